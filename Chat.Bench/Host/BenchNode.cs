using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Chat.Actors.Rooms;
using Chat.Testing;
using Chat.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Bench.Host;

/// <summary>
/// One chat node in this process, composed exactly as Chat.Web composes it (<see cref="ChatNodeApp.Build"/>),
/// with benchmark overrides: relaxed per-member rate limits and presence timers long enough that no
/// member expires and no room ends while a scenario runs.
/// </summary>
public sealed class BenchNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private BenchNode(WebApplication app, Uri webSocketUri)
    {
        _app = app;
        WebSocketUri = webSocketUri;
    }

    public Uri WebSocketUri { get; }

    public ActorSystem System => _app.Services.GetRequiredService<ActorSystem>();

    public IActorRef Rooms => _app.Services.GetRequiredService<IRequiredActor<RoomRegion>>().ActorRef;

    /// <summary>
    /// Kestrel's caps on connections as this node runs with them (null is unlimited, the default),
    /// printed with scenario 3 so that a connection count short of the goal is not a silent cap.
    /// </summary>
    public string ConnectionLimits()
    {
        var limits = _app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
        return $"max concurrent connections {limits.MaxConcurrentConnections?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"}, " +
            $"max upgraded (WebSocket) connections {limits.MaxConcurrentUpgradedConnections?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"}";
    }

    public static Dictionary<string, string?> Settings(string connectionString, string natsUrl, int httpPort) => new()
    {
        ["ConnectionStrings:Chat"] = connectionString,
        ["Nats:Url"] = natsUrl,
        ["Chat:Cluster:Hostname"] = "127.0.0.1",
        ["Chat:Cluster:Port"] = "0",
        ["urls"] = $"http://127.0.0.1:{httpPort}",

        // A person may send 5/s; the load generator is many people at once behind few member ids,
        // connections and rooms, so every send budget is opened up.
        ["Chat:Rooms:RatePerSecond"] = "100000",
        ["Chat:Rooms:RateBurst"] = "100000",
        ["Chat:Rooms:ConnectionRatePerSecond"] = "100000",
        ["Chat:Rooms:ConnectionRateBurst"] = "100000",
        ["Chat:Rooms:RoomRatePerSecond"] = "1000000",
        ["Chat:Rooms:RoomRateBurst"] = "1000000",
        ["Chat:Rooms:RoomBytesPerSecond"] = "2000000000",
        ["Chat:Rooms:RoomBytesBurst"] = "2000000000",

        // The same for the gateway's per-connection budgets: one benchmark socket carries many people's requests.
        ["Chat:Gateway:RequestsPerSecond"] = "1000000",
        ["Chat:Gateway:RequestBurst"] = "1000000",
        ["Chat:Gateway:MaxRequestsInFlight"] = "10000",
        ["Chat:Gateway:MaxConnections"] = "20000",

        // The benchmark's members never heartbeat: keep them present and their rooms alive for the run.
        ["Chat:Rooms:HeartbeatInterval"] = "01:00:00",
        ["Chat:Rooms:HeartbeatTimeout"] = "02:00:00",
        ["Chat:Rooms:GracePeriod"] = "03:00:00",
        ["Chat:Rooms:PassivateIdleAfter"] = "04:00:00",
        ["Chat:Rooms:ActiveRoomSweepInterval"] = "04:00:00",

    };

    public static async Task<BenchNode> StartAsync(string connectionString, string natsUrl, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var port = FreePort.Next();
        var app = ChatNodeApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(Settings(connectionString, natsUrl, port));
            builder.Configuration.AddInMemoryCollection(overrides ?? new Dictionary<string, string?>());

            // Progress lines are the benchmark's output; the node only speaks up when something is wrong.
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);

            // Ctrl+C belongs to the benchmark, which stops the node and then what it started;
            // the console lifetime would stop the node on its own and end the process early.
            builder.Services.AddSingleton<IHostLifetime, ManualLifetime>();
        });
        await app.StartAsync();
        var node = new BenchNode(app, new Uri($"ws://127.0.0.1:{port}/ws"));
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Cluster.Get(node.System).RegisterOnMemberUp(() => up.TrySetResult());
        await up.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return node;
    }

    private sealed class ManualLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
