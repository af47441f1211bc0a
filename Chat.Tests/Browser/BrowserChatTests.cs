using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chat.Client.Envelope;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Browser;

/// <summary>
/// The page in real headless Chromium against a node with the embedded gateway: people talk, leave,
/// crash and reload, the room ends, and nothing secret ever reaches HTTP, WebSocket, NATS, PostgreSQL or the logs.
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
        string[] texts = [$"hello from Ada {tag}", $"hi Ada, Bob here {tag}", $"grüße, ça va? 👋 {tag}", $"all good\nsecond line {tag}"];
        var whileAway = $"written while Ada was cut off {tag}";
        string[] all = [.. texts, whileAway];
        var nicks = new { A = $"Ada-{tag}", B = $"Bob-{tag}", C = $"Cy-{tag}", Wrong = $"Eve-{tag}" };
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
            ["nickWrong"] = nicks.Wrong,
            ["wrongSecret"] = RoomSecret.Create().ToString(),
            ["texts"] = new JsonArray([.. texts.Select(t => JsonValue.Create(t))]),
            ["whileAway"] = whileAway,
            ["killWaitMs"] = (HeartbeatTimeout + TimeSpan.FromSeconds(5)).TotalMilliseconds,
        }, output.WriteLine, TimeSpan.FromMinutes(3));

        var link = new Uri(result["link"]!.GetValue<string>());
        var roomId = link.AbsolutePath.Split('/')[2];
        var secret = link.Fragment.TrimStart('#');

        result["copiedLink"]!.GetValue<string>().Should().Be(link.ToString(), "the copy button copies the whole link, key included");
        Strings(result["textsA"]).Should().Equal(all, "A sees every message, decrypted, in order, also the one written while it was cut off");
        Strings(result["textsB"]).Should().Equal(all, "B sees the same");
        result["outage"]!["hiddenWhileOffline"]!.GetValue<bool>().Should().BeTrue("messages are hidden while disconnected");
        result["outage"]!["offlineShownAfter"]!.GetValue<bool>().Should().BeFalse("and shown again after the resync");
        result["wrongKey"]!["unreadable"]!.GetValue<int>().Should().Be(all.Length, "a wrong key shows every message as unreadable");
        result["wrongKey"]!["status"]!.GetValue<string>().Should().StartWith("Active room", "the page keeps working");
        result["wrongKey"]!["aSeesUnreadablePerson"]!.GetValue<bool>().Should().BeTrue();
        result["damagedLinkNotice"]!.GetValue<string>().Should().Contain("key");
        result["closeMs"]!.GetValue<long>().Should().BeLessThan(2000, "a closed page leaves at once");
        result["killMs"]!.GetValue<long>().Should().BeLessThan((long)(HeartbeatTimeout + TimeSpan.FromSeconds(5)).TotalMilliseconds);
        Strings(result["afterReload"]!["texts"]).Should().Equal(all, "a reload shows the history again");
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
            ["params"] = new JsonObject { ["member"] = TestPayloads.NewMemberId(), ["profile"] = new JsonObject { ["ciphertext"] = TestPayloads.Base64(48), ["nonce"] = TestPayloads.Base64(12) } },
        }.ToJsonString());
        join!["error"]!["code"]!.GetValue<string>().Should().Be("room.closed");

        File.Exists(Path.Combine(screenshots, "landing.png")).Should().BeTrue();
        File.Exists(Path.Combine(screenshots, "room.png")).Should().BeTrue();

        // What the server side saw: every HTTP request and WebSocket frame, every NATS message, every row.
        var browserTraffic = await File.ReadAllTextAsync(captureFile);
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
            new("A's nickname", nicks.A), new("B's nickname", nicks.B), new("C's nickname", nicks.C), new("the wrong-key nickname", nicks.Wrong),
            .. all.Select((t, i) => new ForbiddenText($"message {i + 1}", t)),
        ];
        ForbiddenText.FoundIn(browserTraffic, forbidden).Should().BeEmpty("no HTTP request or WebSocket frame carries a secret or plaintext");
        ForbiddenText.FoundIn(nats.Text(), forbidden).Should().BeEmpty("no NATS message does");
        ForbiddenText.FoundIn(database, forbidden).Should().BeEmpty("no database row does");
        ForbiddenText.FoundIn(logs, forbidden).Should().BeEmpty("and no line the node logged");
    }

    private static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];
}
