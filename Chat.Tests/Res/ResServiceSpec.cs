using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Res;

/// <summary>
/// A real nats-server, a real node (sharding, PostgreSQL journal, RES adapter) and a fake gateway
/// that was listening before the node started.
/// </summary>
public abstract class ResServiceSpec(PostgresFixture postgres) : IAsyncLifetime
{
    protected NatsServer Nats { get; private set; } = null!;

    protected ChatNode Node { get; private set; } = null!;

    protected FakeGateway Gateway { get; private set; } = null!;

    protected virtual Dictionary<string, string?> Settings => TestSettings.LoadTest(("Nats:ReconnectWait", "00:00:01"));

    public async Task InitializeAsync()
    {
        Nats = await NatsServer.StartAsync();
        Gateway = await FakeGateway.ConnectAsync(Nats.Url);
        Node = await ChatNode.StartAsync(postgres.ConnectionString, Settings, Nats.Url);

        // The service announces itself with system.reset once its subscriptions are in place.
        StartReset = await Gateway.NextAsync(IsNodeReset);
    }

    /// <summary>The node-wide <c>system.reset</c> the service published when it started.</summary>
    protected Seen StartReset { get; private set; } = null!;

    protected static bool IsNodeReset(Seen seen) =>
        seen.Subject == "system.reset" && seen.Body.Contains("\"access\"", StringComparison.Ordinal);

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Gateway.DisposeAsync();
        await Nats.DisposeAsync();
    }

    protected static string NewRoom() => TestPayloads.NewRoomId();

    /// <summary>A member key: what member-bound calls carry. Others see <see cref="IdOf"/>.</summary>
    protected static string NewMember() => TestPayloads.NewMemberKey();

    protected static string IdOf(string memberKey) => TestPayloads.MemberIdOf(memberKey);

    protected static string B64(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>The connection token Resgate sends for a connection that has unlocked <paramref name="room"/>.</summary>
    public static JsonObject Token(string room) => new() { ["rooms"] = new JsonArray(room) };

    /// <summary>A call body as Resgate sends it for a connection that unlocked the room.</summary>
    public static string CallBody(string room, JsonObject parameters, string cid = "cid1") =>
        new JsonObject { ["cid"] = cid, ["token"] = Token(room), ["params"] = parameters }.ToJsonString();

    protected static string JoinBody(string room, string member, string cid = "cid1") => CallBody(
        room,
        new JsonObject
        {
            ["memberKey"] = member,
            ["profile"] = new JsonObject { ["ciphertext"] = B64(48), ["nonce"] = B64(12) },
        },
        cid);

    protected static string SendBody(string room, string member, Guid? id = null, string? ciphertext = null, string? nonce = null, string cid = "cid1") => CallBody(
        room,
        new JsonObject
        {
            ["id"] = (id ?? Guid.NewGuid()).ToString(),
            ["ciphertext"] = ciphertext ?? B64(64),
            ["nonce"] = nonce ?? B64(12),
            ["memberKey"] = member,
        },
        cid);

    protected static string MemberBody(string room, string member, string cid = "cid1") =>
        CallBody(room, new JsonObject { ["memberKey"] = member }, cid);

    protected static string HistoryBody(string room, long? before = null, int? limit = null) =>
        CallBody(room, new JsonObject { ["before"] = before, ["limit"] = limit });

    protected async Task JoinAsync(string room, string member, string cid = "cid1")
    {
        var reply = await Gateway.RequestJsonAsync($"call.room.{room}.join", JoinBody(room, member, cid));
        JsonAssert.Equal(reply, $$$"""{"resource":{"rid":"room.{{{room}}}"}}""");
    }

    protected async Task<long> SendAsync(string room, string member, Guid? id = null, string cid = "cid1")
    {
        var reply = await Gateway.RequestJsonAsync($"call.room.{room}.messages.send", SendBody(room, member, id, cid: cid));
        return reply!["result"]?["seq"]?.GetValue<long>() ?? throw new InvalidOperationException($"send was refused: {reply.ToJsonString()}");
    }
}
