using Chat.Tests.Infrastructure;
using Chat.Tests.Res;
using Chat.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Gateway;

/// <summary>The node as Chat.Web builds it (cluster, RES service, embedded gateway) on free loopback ports.</summary>
public sealed class GatewayNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayNode(WebApplication app, Uri ws, CapturingLoggerProvider logs)
    {
        _app = app;
        WebSocketUri = ws;
        Logs = logs;
    }

    public Uri WebSocketUri { get; }

    public Uri HttpUri => new($"http://127.0.0.1:{WebSocketUri.Port}/");

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<GatewayNode> StartAsync(string connectionString, string natsUrl, FakeGateway listener, Dictionary<string, string?>? settings = null)
    {
        var port = FreePort.Next();
        var logs = new CapturingLoggerProvider();
        var app = ChatNodeApp.Build([], builder =>
        {
            var values = TestSettings.LoadTest(
                ("ConnectionStrings:Chat", connectionString),
                ("Nats:Url", natsUrl),
                ("Chat:Cluster:Port", "0"),
                ("urls", $"http://127.0.0.1:{port}"));
            foreach (var (key, value) in settings ?? [])
            {
                values[key] = value;
            }

            builder.Configuration.AddInMemoryCollection(values);
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddProvider(logs);
        });
        await app.StartAsync();

        // The RES service announces itself once it is subscribed; only then can the gateway reach rooms.
        await listener.NextAsync(s => s.Subject == "system.reset" && s.Body.Contains("\"access\"", StringComparison.Ordinal));
        return new GatewayNode(app, new Uri($"ws://127.0.0.1:{port}/ws"), logs);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
