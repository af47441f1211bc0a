using System.Text.Json.Nodes;
using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Chat.Tests.Res;

namespace Chat.Tests.Sharding;

/// <summary>
/// What a page does to a room, spoken as Resgate would over NATS: join, send, heartbeat, read history.
/// The <c>Try</c> forms give up after 3 s (Resgate's default request timeout) and return null, as a
/// request to a room that is moving between nodes may.
/// </summary>
internal sealed class ResRoomClient(FakeGateway gateway)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(3);

    public async Task JoinAsync(string room, string member)
    {
        var body = ResServiceSpec.CallBody(room, new JsonObject
        {
            ["memberKey"] = member,
            ["profile"] = new JsonObject { ["ciphertext"] = TestPayloads.Base64(48), ["nonce"] = TestPayloads.Base64(12) },
        });
        var waitingSince = DateTime.UtcNow;
        for (var attempt = 1; attempt <= 50; attempt++)
        {
            var reply = await TryRequestAsync($"call.room.{room}.join", body);
            if (reply?["resource"] is not null)
            {
                return;
            }

            if (reply is not null)
            {
                await BackOffAsync(waitingSince);
            }
        }

        throw new InvalidOperationException($"Could not join {room}.");
    }

    public async Task<JsonNode?> SendAsync(string room, string member, Guid id) =>
        await gateway.RequestJsonAsync($"call.room.{room}.messages.send", SendBody(room, member, id));

    /// <summary>
    /// Sends once; null when no answer came within <paramref name="timeout"/>. An answer that comes after is
    /// passed to <paramref name="answeredLate"/> (null if none ever came): a request held while its room moves
    /// is answered late, one taken by a killed process never.
    /// </summary>
    public Task<JsonNode?> TrySendAsync(string room, string member, Guid id, TimeSpan? timeout = null, Action<JsonNode?>? answeredLate = null) =>
        TryRequestAsync($"call.room.{room}.messages.send", SendBody(room, member, id), timeout, answeredLate);

    public Task<JsonNode?> TryHeartbeatAsync(string room, string member, TimeSpan? timeout = null) =>
        TryRequestAsync($"call.room.{room}.heartbeat", MemberBody(room, member), timeout);

    public async Task<JsonNode?> TryRequestAsync(string subject, string body, TimeSpan? timeout = null, Action<JsonNode?>? answeredLate = null)
    {
        var request = gateway.RequestJsonAsync(subject, body);
        try
        {
            using var cts = new CancellationTokenSource(timeout ?? RequestTimeout);
            return await request.WaitAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            if (answeredLate is not null && e is OperationCanceledException)
            {
                _ = request.ContinueWith(t => answeredLate(t.IsCompletedSuccessfully ? t.Result : null), TaskScheduler.Default);
            }

            return null;
        }
    }

    /// <summary>Every stored message of a room, newest pages first, as (id, seq).</summary>
    public async Task<List<(Guid Id, long Seq)>> HistoryAsync(string room, long messageCount)
    {
        // Each page starts before the oldest seq of the last: a page may hold fewer than the limit
        // when its messages are large (Chat:Rooms:MaxResponseBytes).
        var stored = new List<(Guid, long)>();
        var before = messageCount + 1;
        while (before > 1)
        {
            var page = await gateway.RequestJsonAsync($"call.room.{room}.messages.history", HistoryBody(room, before));
            var messages = page?["result"]?["messages"]?.AsArray()
                ?? throw new InvalidOperationException($"History of {room} failed: {page?.ToJsonString()}");
            if (messages.Count == 0)
            {
                break;
            }

            stored.AddRange(messages.Select(m => (Guid.Parse(m!["id"]!.GetValue<string>()), m["seq"]!.GetValue<long>())));
            before = messages[0]!["seq"]!.GetValue<long>();
        }

        return stored;
    }

    /// <summary>
    /// The pause after an error reply, as the page paces it (waiting.js): while a room's node is down its
    /// requests are answered room.unavailable at once, so a client that retried without pausing would spin.
    /// A quarter of a second for the first 10 s of a wait (a failover), a second after that.
    /// </summary>
    public static Task BackOffAsync(DateTime waitingSince) =>
        Task.Delay(DateTime.UtcNow - waitingSince < TimeSpan.FromSeconds(10) ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromSeconds(1));

    public static bool IsNotJoined(JsonNode? reply) => reply?["error"]?["code"]?.GetValue<string>() == "room.notJoined";

    /// <summary>Bodies as Resgate sends them for a connection that unlocked the room; <c>member</c> is a member key.</summary>
    public static string SendBody(string room, string member, Guid id) => ResServiceSpec.CallBody(
        room,
        new JsonObject { ["id"] = id.ToString(), ["ciphertext"] = TestPayloads.Base64(64), ["nonce"] = TestPayloads.Base64(12), ["memberKey"] = member });

    public static string MemberBody(string room, string member) => ResServiceSpec.CallBody(room, new JsonObject { ["memberKey"] = member });

    public static string HistoryBody(string room, long before) => ResServiceSpec.CallBody(room, new JsonObject { ["before"] = before, ["limit"] = 200 });

    /// <summary>Message events per room in the journal, the source of truth.</summary>
    public static async Task<Dictionary<string, long>> MessagesPerRoomInJournalAsync(string connectionString)
    {
        var counts = new Dictionary<string, long>();
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT persistence_id, count(*) FROM akka.journal WHERE manifest LIKE 'MessageAppended.%' GROUP BY persistence_id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)[RoomIds.PersistencePrefix.Length..]] = reader.GetInt64(1);
        }

        return counts;
    }

    public static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not reached within {timeout}: {what}.");
            }

            await Task.Delay(20);
        }
    }
}
