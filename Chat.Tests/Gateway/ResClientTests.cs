using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;
using Chat.Tests.Res;
using Xunit.Abstractions;

namespace Chat.Tests.Gateway;

/// <summary>
/// The real resclient npm package (pinned by ResClient/package-lock.json, installed with npm ci)
/// against the embedded gateway and the real RES service: what the page will do.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ResClientTests(PostgresFixture postgres, ITestOutputHelper output) : GatewaySpec(postgres)
{
    public override async Task InitializeAsync()
    {
        await NodeDriver.EnsureInstalledAsync();
        await base.InitializeAsync();
    }

    [Fact]
    public async Task Resclient_UnlocksOnEveryConnect_SubscribesCallsAndFollowsEvents_AndSeesCallErrorsAsResErrors()
    {
        var room = TestPayloads.NewRoomId();

        var stdout = await NodeDriver.RunAsync(Node.WebSocketUri.ToString(), room, TestPayloads.ProofOf(room));
        output.WriteLine(stdout);

        var result = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
        result["withoutUnlock"]!.GetValue<string>().Should().Be("system.accessDenied", "a connection that has not unlocked the room gets nothing");
        result["wrongProof"]!.GetValue<string>().Should().Be("room.wrongKey");
        result["initialStatus"]!.GetValue<string>().Should().Be("new");
        result["joinedRid"]!.GetValue<string>().Should().Be($"room.{room}");
        result["joinedStatus"]!.GetValue<string>().Should().Be("active");
        var alice = result["aliceId"]!.GetValue<string>();
        Strings(result["participantAdds"]).Should().Equal([alice], "the participants list shows the id derived from the member key");
        result["seq"]!.GetValue<long>().Should().Be(1);
        result["messageSeqs"]!.AsArray().Select(s => s!.GetValue<long>()).Should().Equal(1, 2);
        Strings(result["senders"]).Should().Equal([alice, alice], "each message carries its sender's stamp");
        result["messageCount"]!.GetValue<long>().Should().Be(2);
        result["windowLength"]!.GetValue<int>().Should().Be(2);
        result["errorCode"]!.GetValue<string>().Should().Be("room.notJoined", "another member key is another member");
        result["errorIsResError"]!.GetValue<bool>().Should().BeTrue();
        result["bobSockets"]!.GetValue<int>().Should().Be(2, "Bob's connection was dropped and resclient opened another");
        result["bobUnlocks"]!.GetValue<int>().Should().Be(2, "setOnConnect unlocked the room again on the new connection");
        result["aliceUnlocks"]!.GetValue<int>().Should().Be(1);
        result["removes"]!.GetValue<int>().Should().Be(1);
        result["participantCount"]!.GetValue<int>().Should().Be(0);
    }

    private static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];
}

/// <summary>Runs ResClient/driver.js with Node; its pinned packages are installed once per test run.</summary>
internal static class NodeDriver
{
    private static readonly NpmFolder Packages = new("ResClient");

    public static Task EnsureInstalledAsync() => Packages.EnsureInstalledAsync();

    public static Task<string> RunAsync(params string[] arguments) =>
        ExternalProcess.RunAsync("node", ["--experimental-websocket", "--no-warnings", Path.Combine(Packages.Path, "driver.js"), .. arguments], TimeSpan.FromSeconds(60));
}
