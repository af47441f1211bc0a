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
    public async Task Resclient_SubscribesCallsAndFollowsEvents_AndSeesCallErrorsAsResErrors()
    {
        var room = TestPayloads.NewRoomId();

        var stdout = await NodeDriver.RunAsync(Node.WebSocketUri.ToString(), room);
        output.WriteLine(stdout);

        var result = JsonNode.Parse(stdout.Trim().Split('\n')[^1])!;
        result["initialStatus"]!.GetValue<string>().Should().Be("new");
        result["joinedRid"]!.GetValue<string>().Should().Be($"room.{room}");
        result["joinedStatus"]!.GetValue<string>().Should().Be("active");
        result["participantAdds"]!.GetValue<int>().Should().Be(1);
        result["seq"]!.GetValue<long>().Should().Be(1);
        result["messageSeqs"]!.AsArray().Select(s => s!.GetValue<long>()).Should().Equal(1);
        result["messageCount"]!.GetValue<long>().Should().Be(1);
        result["windowLength"]!.GetValue<int>().Should().Be(1);
        result["errorCode"]!.GetValue<string>().Should().Be("room.notJoined");
        result["errorIsResError"]!.GetValue<bool>().Should().BeTrue();
        result["removes"]!.GetValue<int>().Should().Be(1);
        result["participantCount"]!.GetValue<int>().Should().Be(0);
    }
}

/// <summary>Runs ResClient/driver.js with Node; its pinned packages are installed once per test run.</summary>
internal static class NodeDriver
{
    private static readonly NpmFolder Packages = new("ResClient");

    public static Task EnsureInstalledAsync() => Packages.EnsureInstalledAsync();

    public static Task<string> RunAsync(params string[] arguments) =>
        ExternalProcess.RunAsync("node", ["--experimental-websocket", "--no-warnings", Path.Combine(Packages.Path, "driver.js"), .. arguments], TimeSpan.FromSeconds(60));
}
