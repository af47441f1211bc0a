using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chat.Client.Envelope;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Browser;

/// <summary>
/// The link as the capability (docs/capability.md) in the page: a link whose id and key do not belong together is damaged and opens nothing,
/// and a page that loses its connection unlocks the room again on its own before it resubscribes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BrowserCapabilityTests(PostgresFixture postgres, ITestOutputHelper output) : GatewaySpec(postgres)
{
    [Fact]
    public async Task DamagedLink_ShowsTheDamagedState_AndNeverConnects()
    {
        var room = TestPayloads.NewRoomId();
        var secret = TestPayloads.SecretOf(room).ToString();
        var control = TestPayloads.NewRoomId();
        var changedId = room[..^1] + (room[^1] == '0' ? '1' : '0');
        await using var nats = await NatsCapture.StartAsync(Nats.Url);

        var result = await BrowserDriver.RunAsync("damaged", new JsonObject
        {
            ["settleMs"] = 1000,
            ["links"] = new JsonArray(
                Link("another key", $"{Node.HttpUri}room/{room}#{RoomSecret.Create()}", "damaged"),
                Link("a changed id", $"{Node.HttpUri}room/{changedId}#{secret}", "damaged"),
                Link("no key", $"{Node.HttpUri}room/{room}#not-a-key", "damaged"),
                Link("the whole link", $"{Node.HttpUri}room/{control}#{TestPayloads.SecretOf(control)}", "new")),
        }, output.WriteLine, TimeSpan.FromMinutes(2));

        var pages = result.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!);
        foreach (var name in new[] { "another key", "a changed id", "no key" })
        {
            var page = pages[name];
            page["status"]!.GetValue<string>().Should().Be("This link is damaged.", $"a link with {name} is damaged");
            page["notice"]!.GetValue<string>().Should().Contain("damaged").And.Contain("Ask for the link again");
            page["joinFormVisible"]!.GetValue<bool>().Should().BeFalse("a damaged link offers no way in");
            page["sockets"]!.AsArray().Should().BeEmpty($"a link with {name} opens no connection, so it subscribes to nothing");
        }

        var whole = pages["the whole link"];
        whole["status"]!.GetValue<string>().Should().StartWith("New room", "the same page opens a whole link");
        var sent = whole["sockets"]!.AsArray().Single()!["sent"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        sent.Should().StartWith(["version", $"auth.room.{control}.unlock", $"subscribe.room.{control}"], "it unlocks before it subscribes");

        // Nothing about the damaged links reached the service, while the whole link's unlock did.
        var subjects = nats.Messages().Select(m => m.Subject).ToList();
        subjects.Should().Contain($"auth.room.{control}.unlock");
        subjects.Should().NotContain(s => s.Contains(room, StringComparison.Ordinal) || s.Contains(changedId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CutOffBrowser_ReconnectsUnlocksAgainAndRejoins_AndTheTalkGoesOn()
    {
        var tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();
        var texts = new { Before = $"before the cut {tag}", WhileAway = $"written while Ada was cut off {tag}", AfterA = $"Ada is back {tag}", AfterB = $"welcome back {tag}" };
        var nicks = new { A = $"Ada-{tag}", B = $"Bob-{tag}" };
        var captureFile = Path.Combine(Path.GetTempPath(), $"chat-capture-{tag}.jsonl");

        var result = await BrowserDriver.RunAsync("reconnect", new JsonObject
        {
            ["baseUrl"] = Node.HttpUri.ToString(),
            ["captureFile"] = captureFile,
            ["nickA"] = nicks.A,
            ["nickB"] = nicks.B,
            ["before"] = texts.Before,
            ["whileAway"] = texts.WhileAway,
            ["afterA"] = texts.AfterA,
            ["afterB"] = texts.AfterB,
        }, output.WriteLine, TimeSpan.FromMinutes(2));
        var traffic = new BrowserTraffic(await File.ReadAllTextAsync(captureFile));
        File.Delete(captureFile);

        string[] all = [texts.Before, texts.WhileAway, texts.AfterA, texts.AfterB];
        result["hiddenWhileOffline"]!.GetValue<bool>().Should().BeTrue("messages are hidden while disconnected");
        result["offlineShownAfter"]!.GetValue<bool>().Should().BeFalse("and shown again after the resync");
        result["notice"]!.GetValue<string>().Should().BeEmpty("nothing went wrong that the person would have to act on");
        Strings(result["textsA"]).Should().Equal(all, "A sees what B wrote while it was away and after, and its own message after the cut");
        Strings(result["textsB"]).Should().Equal(all, "B sees A's message written after the reconnect");
        Strings(result["peopleA"]).Should().BeEquivalentTo([$"{nicks.A} (you)", nicks.B]);
        Strings(result["peopleB"]).Should().BeEquivalentTo([nicks.A, $"{nicks.B} (you)"], "A rejoined by itself");

        // On every connection the page unlocks first: the gateway forgets the unlock with the connection.
        var roomId = new Uri(result["link"]!.GetValue<string>()).AbsolutePath.Split('/')[2];
        var unlock = $"auth.room.{roomId}.unlock";
        var connections = traffic.ConnectionsOf("A");
        connections.Should().HaveCountGreaterThanOrEqualTo(2, "A was cut off and connected again");
        foreach (var (connection, i) in connections.Select((c, i) => (c, i)))
        {
            connection.Methods.Should().StartWith(["version", unlock], $"connection {i + 1} unlocks before anything else");
            connection.AnswerTo(unlock)!.ContainsKey("result").Should().BeTrue($"connection {i + 1}'s unlock was accepted");
        }

        var again = connections[^1].Methods;
        again.Should().Contain($"subscribe.room.{roomId}", "resclient resubscribed after the unlock");
        again.Should().Contain($"call.room.{roomId}.join", "and the page rejoined");
    }

    private static JsonObject Link(string name, string url, string expect) => new() { ["name"] = name, ["url"] = url, ["expect"] = expect };

    private static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];
}
