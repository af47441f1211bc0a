using System.Text.Json.Nodes;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Browser;

/// <summary>
/// Presence as stock Resgate gives it: the gateway says nothing when a WebSocket closes, so a browser
/// that dies without <c>pagehide</c> leaves the list only when its heartbeats stop.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BrowserPresenceTests(PostgresFixture postgres, ITestOutputHelper output) : GatewaySpec(postgres)
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(6);

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Chat:Gateway:DisconnectHint"] = "false",
        ["Chat:Rooms:HeartbeatInterval"] = HeartbeatInterval.ToString(),
        ["Chat:Rooms:HeartbeatTimeout"] = HeartbeatTimeout.ToString(),
        ["Chat:Rooms:GracePeriod"] = "00:00:10",
    };

    [Fact]
    public async Task KilledBrowser_WithoutDisconnectHint_LeavesTheListWithinHeartbeatTimeoutPlusFiveSeconds()
    {
        var limit = HeartbeatTimeout + TimeSpan.FromSeconds(5);

        var result = await BrowserDriver.RunAsync("killed", new JsonObject
        {
            ["baseUrl"] = Node.HttpUri.ToString(),
            ["nickA"] = "Ada",
            ["nickB"] = "Bob",
            ["killWaitMs"] = limit.TotalMilliseconds,
        }, output.WriteLine, TimeSpan.FromMinutes(2));

        var killMs = result["killMs"]!.GetValue<long>();
        killMs.Should().BeLessThan((long)limit.TotalMilliseconds);
        killMs.Should().BeGreaterThan((long)(HeartbeatTimeout - HeartbeatInterval).TotalMilliseconds - 1000,
            "without the hint only the missing heartbeats can remove Bob, no sooner than the timeout after his last one");
        result["stillThere"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("Ada (you)");
    }
}
