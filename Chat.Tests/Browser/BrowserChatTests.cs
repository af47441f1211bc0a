using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chat.Client.Envelope;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Browser;

/// <summary>
/// The page in real headless Chromium against a node with the embedded gateway: people talk, leave,
/// crash and reload, the room ends, nothing secret ever reaches HTTP, WebSocket, NATS, PostgreSQL or the logs,
/// and the proof and member keys go only where the protocol carries them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BrowserChatTests(PostgresFixture postgres, ITestOutputHelper output) : GatewaySpec(postgres)
{
    private static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(8);

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Chat:Rooms:HeartbeatInterval"] = "00:00:02",
        ["Chat:Rooms:HeartbeatTimeout"] = HeartbeatTimeout.ToString(),
        ["Chat:Rooms:GracePeriod"] = GracePeriod.ToString(),

        // Everything the node would log at its most talkative, so the secret check covers logs too.
        ["Logging:LogLevel:Default"] = "Debug",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
        ["Logging:LogLevel:Akka"] = "Debug",
    };

    [Fact]
    public async Task TwoPeopleTalk_LeaveCrashAndReload_TheRoomEnds_AndNoSecretReachesTheServer()
    {
        var tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();
        string[] all = [$"hello from Ada {tag}", $"hi Ada, Bob here {tag}", $"grüße, ça va? 👋 {tag}", $"all good\nsecond line {tag}"];
        var nicks = new { A = $"Ada-{tag}", B = $"Bob-{tag}", C = $"Cy-{tag}" };
        var captureFile = Path.Combine(Path.GetTempPath(), $"chat-capture-{tag}.jsonl");
        var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        await using var nats = await NatsCapture.StartAsync(Nats.Url);

        var result = await BrowserDriver.RunAsync("conversation", new JsonObject
        {
            ["baseUrl"] = Node.HttpUri.ToString(),
            ["screenshots"] = screenshots,
            ["captureFile"] = captureFile,
            ["nickA"] = nicks.A,
            ["nickB"] = nicks.B,
            ["nickC"] = nicks.C,
            ["texts"] = new JsonArray([.. all.Select(t => JsonValue.Create(t))]),
            ["killWaitMs"] = (HeartbeatTimeout + TimeSpan.FromSeconds(5)).TotalMilliseconds,
        }, output.WriteLine, TimeSpan.FromMinutes(3));

        var link = new Uri(result["link"]!.GetValue<string>());
        var roomId = link.AbsolutePath.Split('/')[2];
        var secret = link.Fragment.TrimStart('#');
        RoomSecret.TryParse(secret, out var roomSecret).Should().BeTrue("the landing page puts a 32-byte secret after #");
        RoomCapability.LinkMatches(roomId, roomSecret).Should().BeTrue("the landing page derives the room id from the secret");

        result["copiedLink"]!.GetValue<string>().Should().Be(link.ToString(), "the copy button copies the whole link, key included");
        Strings(result["textsA"]).Should().Equal(all, "A sees every message, decrypted, in order");
        Strings(result["textsB"]).Should().Equal(all, "B sees the same");

        // Each tab keeps a member key and shows itself by the id derived from it, the one the server lists.
        var memberA = result["memberA"]!;
        var memberKeyA = memberA["memberKey"]!.GetValue<string>();
        memberKeyA.Should().MatchRegex("^[A-Za-z0-9_-]{43}$");
        memberA["member"]!.GetValue<string>().Should().Be(TestPayloads.MemberIdOf(memberKeyA), "the page keeps the id its key derives");
        Strings(result["ownLineA"]).Should().Equal([TestPayloads.MemberIdOf(memberKeyA)], "A marks exactly its own line, found by the derived id");
        result["afterReload"]!["member"]!["memberKey"]!.GetValue<string>().Should().Be(memberKeyA, "a reload keeps the tab's member key");
        Strings(result["afterReload"]!["ownLine"]).Should().Equal([TestPayloads.MemberIdOf(memberKeyA)]);

        var offKey = result["offKeyShown"]!;
        Strings(offKey["errors"]).Should().BeEmpty("a link holder unlocks, joins and sends whatever it seals");
        offKey["unreadable"]!.GetValue<int>().Should().Be(1, "a message sealed with another key shows as unreadable");
        offKey["readable"]!.GetValue<int>().Should().Be(all.Length, "and the others are unaffected");
        offKey["status"]!.GetValue<string>().Should().StartWith("Active room", "the page keeps working");
        offKey["aSeesUnreadablePerson"]!.GetValue<bool>().Should().BeTrue();

        result["closeMs"]!.GetValue<long>().Should().BeLessThan(2000, "a closed page leaves at once");
        result["killMs"]!.GetValue<long>().Should().BeLessThan((long)(HeartbeatTimeout + TimeSpan.FromSeconds(5)).TotalMilliseconds);
        Strings(result["afterReload"]!["texts"]).Should().Equal(all, "a reload shows the history again");
        result["afterReload"]!["unreadable"]!.GetValue<int>().Should().Be(1);
        Strings(result["afterReload"]!["people"]).Should().Contain($"{nicks.A} (you)");

        // Everyone has gone: after the grace period the room is over for good.
        await ReadModelTables.WaitUntilAsync(
            async () => (await Listener.RequestJsonAsync($"get.room.{roomId}"))!["result"]!["model"]!["status"]!.GetValue<string>() == "closed",
            GracePeriod + TimeSpan.FromSeconds(20), "the room to close after its grace period");
        var ended = await BrowserDriver.RunAsync("ended", new JsonObject { ["link"] = link.ToString() }, output.WriteLine, TimeSpan.FromMinutes(1));
        ended["status"]!.GetValue<string>().Should().Contain("ended");
        ended["joinFormVisible"]!.GetValue<bool>().Should().BeFalse("nobody can join an ended room");
        var join = await Listener.RequestJsonAsync($"call.room.{roomId}.join", new JsonObject
        {
            ["cid"] = "late",
            ["token"] = new JsonObject { ["rooms"] = new JsonArray(roomId) },
            ["params"] = GatewayProtocolTests.JoinParams(TestPayloads.NewMemberKey()),
        }.ToJsonString());
        join!["error"]!["code"]!.GetValue<string>().Should().Be("room.closed");

        File.Exists(Path.Combine(screenshots, "landing.png")).Should().BeTrue();
        File.Exists(Path.Combine(screenshots, "room.png")).Should().BeTrue();

        // What the server side saw: every HTTP request and WebSocket frame, every NATS message, every row.
        var traffic = new BrowserTraffic(await File.ReadAllTextAsync(captureFile));
        var browserTraffic = traffic.Text;
        File.Delete(captureFile);
        var (database, rows) = await DatabaseDump.AllTablesAsync(Postgres.ConnectionString);
        browserTraffic.Should().Contain("messages.send", "the capture saw the page's calls");
        nats.Text().Should().Contain($"call.room.{roomId}.messages.send", "the capture saw the NATS traffic");
        database.Should().Contain(roomId, "the dump covers the journal and read model");
        var logs = string.Join('\n', Node.Logs.Lines);
        logs.Should().Contain($"/room/{roomId}", "the node's logs include its request log");
        output.WriteLine($"captured {browserTraffic.Split('\n').Length} HTTP/WebSocket entries, {nats.Count} NATS messages, {rows} database rows, {Node.Logs.Lines.Count} log lines");

        ForbiddenText[] forbidden =
        [
            .. ForbiddenText.Secret(secret),
            new("A's nickname", nicks.A), new("B's nickname", nicks.B), new("C's nickname", nicks.C),
            .. all.Select((t, i) => new ForbiddenText($"message {i + 1}", t)),
        ];
        ForbiddenText.FoundIn(browserTraffic, forbidden).Should().BeEmpty("no HTTP request or WebSocket frame carries a secret or plaintext");
        ForbiddenText.FoundIn(nats.Text(), forbidden).Should().BeEmpty("no NATS message does");
        ForbiddenText.FoundIn(database, forbidden).Should().BeEmpty("no database row does");
        ForbiddenText.FoundIn(logs, forbidden).Should().BeEmpty("and no line the node logged");

        // The proof (the access token) and the member keys (A, B, C and the off-key member's) are bearer
        // credentials: whoever reads one can unlock the room or act as that member. RES carries them as request
        // params, so each legitimately appears in exactly two places: the proof in the page's
        // auth.room.{id}.unlock frame and the gateway's NATS auth request of the same name, a member key in the
        // page's member-bound call frames and the gateway's NATS call requests (join, heartbeat, leave, typing,
        // messages.send). Nowhere else: no HTTP request, no frame the gateway sends, no other NATS message
        // (events, replies, conn.{cid}.token, access and get requests, other calls), no row and no log line.
        var proof = ForbiddenText.Key("the proof", RoomCapability.Proof(roomSecret)).ToList();
        var memberKeys = Strings(result["memberKeys"]).Select((key, i) => ForbiddenText.Key($"member key {i + 1}", key)).SelectMany(k => k).ToList();
        ForbiddenText.FoundIn(database, [.. proof, .. memberKeys]).Should().BeEmpty("no database row holds a proof or a member key");
        ForbiddenText.FoundIn(logs, [.. proof, .. memberKeys]).Should().BeEmpty("no line the node logged does");

        var natsMessages = nats.Messages();
        var natsUnlocks = Lines(natsMessages.Where(m => IsUnlock(m.Subject, roomId)).Select(m => m.Text));
        var natsMemberCalls = Lines(natsMessages.Where(m => IsMemberCall(m.Subject, roomId)).Select(m => m.Text));
        ForbiddenText.FoundIn(Lines(natsMessages.Where(m => !IsUnlock(m.Subject, roomId)).Select(m => m.Text)), proof)
            .Should().BeEmpty("the proof reaches NATS only in the unlock's auth request");
        ForbiddenText.FoundIn(Lines(natsMessages.Where(m => !IsMemberCall(m.Subject, roomId)).Select(m => m.Text)), memberKeys)
            .Should().BeEmpty("a member key reaches NATS only in member-bound call requests");

        var frameUnlocks = Lines(traffic.Entries.Where(e => IsUnlock(e.Method, roomId)).Select(e => e.Line));
        var frameMemberCalls = Lines(traffic.Entries.Where(e => IsMemberCall(e.Method, roomId)).Select(e => e.Line));
        ForbiddenText.FoundIn(Lines(traffic.Entries.Where(e => !IsUnlock(e.Method, roomId)).Select(e => e.Line)), proof)
            .Should().BeEmpty("the proof leaves the browser only in the unlock frame: no HTTP request, and the gateway never sends it back");
        ForbiddenText.FoundIn(Lines(traffic.Entries.Where(e => !IsMemberCall(e.Method, roomId)).Select(e => e.Line)), memberKeys)
            .Should().BeEmpty("a member key leaves the browser only in member-bound call frames");

        // The checks above see something: every credential is where the protocol carries it.
        var proofText = RoomCapability.Proof(roomSecret);
        natsUnlocks.Should().Contain(proofText, "the gateway passed the page's unlock on");
        frameUnlocks.Should().Contain(proofText);
        foreach (var key in Strings(result["memberKeys"]))
        {
            natsMemberCalls.Should().Contain(key, "each member's calls carried its key");
            frameMemberCalls.Should().Contain(key);
        }
    }

    /// <summary>The RES method (page) or NATS subject (gateway) that carries the proof: the same string on both sides.</summary>
    private static bool IsUnlock(string? methodOrSubject, string roomId) => methodOrSubject == $"auth.room.{roomId}.unlock";

    /// <summary>The methods or subjects of member-bound calls, whose params carry a member key.</summary>
    private static bool IsMemberCall(string? methodOrSubject, string roomId) =>
        methodOrSubject is { } m && (m == $"call.room.{roomId}.messages.send"
            || m == $"call.room.{roomId}.join" || m == $"call.room.{roomId}.heartbeat" || m == $"call.room.{roomId}.leave"
            || m == $"call.room.{roomId}.typing");

    private static string Lines(IEnumerable<string> lines) => string.Join('\n', lines);

    private static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];
}
