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

/// <summary>Runs ResClient/driver.js with Node; installs its pinned packages once per test run.</summary>
internal static class NodeDriver
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static bool _installed;

    public static string Folder { get; } = FindFolder();

    public static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            if (!_installed)
            {
                await ExternalProcess.RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", Folder], TimeSpan.FromMinutes(5));
                _installed = true;
            }
        }
        finally
        {
            InstallLock.Release();
        }
    }

    public static Task<string> RunAsync(params string[] arguments) =>
        ExternalProcess.RunAsync("node", ["--experimental-websocket", "--no-warnings", Path.Combine(Folder, "driver.js"), .. arguments], TimeSpan.FromSeconds(60));

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "Chat.Tests", "ResClient");
            if (File.Exists(Path.Combine(candidate, "package-lock.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Chat.Tests/ResClient was not found above the test binaries.");
    }
}
