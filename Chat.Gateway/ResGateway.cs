using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Chat.Nats;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Chat.Gateway;

/// <summary>
/// The embedded gateway: speaks the RES client protocol to browsers over WebSocket and the RES
/// service protocol over NATS, mirroring Resgate for what the chat uses (docs/gateway.md). It has a
/// NATS connection of its own, apart from the service's: whatever clients make the gateway do, the
/// rooms' events and replies travel on a connection no client touches.
/// </summary>
public sealed partial class ResGateway : BackgroundService
{
    private readonly NatsConnection _nats;
    private readonly GatewayOptions _options;
    private readonly ILogger<ResGateway> _logger;
    private readonly ServiceRequester _requester;
    private readonly ResourceCache _cache;
    private readonly OriginPolicy _origins;
    private readonly ConcurrencyLimiter _connectionSlots;
    private readonly PartitionedRateLimiter<string> _requestRates;
    private readonly BadInputLog _badInput;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, GatewayConnection> _connections = new(StringComparer.Ordinal);
    private TokenEvents? _tokens;

    // Set once the gateway hears system.reset and conn.*.token: a connection served earlier would lose
    // the token its unlock sets, and then be refused everything it unlocked.
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ResGateway(
        IOptions<GatewayOptions> options,
        IOptions<NatsOptions> nats,
        NatsConnectionEvents connectionEvents,
        ILoggerFactory loggers)
    {
        _options = options.Value;
        _logger = loggers.CreateLogger<ResGateway>();
        _nats = new NatsConnection(nats.Value.ConnectionOptions("chat-gateway", loggers));
        connectionEvents.Watch(_nats, NatsConnectionEvents.Gateway);
        _requester = new ServiceRequester(_nats, _options.RequestTimeout);
        _cache = new ResourceCache(_requester, _options.UnsubscribeDelay);
        _origins = new OriginPolicy(_options.AllowedOrigins);
        _connectionSlots = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = _options.MaxConnections, QueueLimit = 0 });
        _requestRates = PartitionedRateLimiter.Create<string, string>(cid => RateLimitPartition.GetTokenBucketLimiter(cid, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = _options.RequestBurst,
            TokensPerPeriod = Math.Max(1, _options.RequestsPerSecond / 10),
            ReplenishmentPeriod = TimeSpan.FromSeconds(Math.Max(1, _options.RequestsPerSecond / 10) / (double)_options.RequestsPerSecond),
            QueueLimit = 0,
            AutoReplenishment = false,
        }));
        _badInput = new BadInputLog(_logger, "Gateway", TimeSpan.FromMinutes(1));
        GatewayId = GatewayIds.New();
    }

    /// <summary>Names this gateway in the disconnect hints it publishes.</summary>
    public string GatewayId { get; }

    /// <summary>Requests refused since start as malformed or over a limit.</summary>
    public long RefusedRequests => _badInput.Total;

    /// <summary>Client connections being served now.</summary>
    public int OpenConnections
    {
        get
        {
            lock (_lock)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>Resources in the shared cache now.</summary>
    public int CachedResources => _cache.Count;

    internal int CacheHoldersOf(string rid) => _cache.HoldersOf(rid);

    /// <summary>Whether the gateway listens for resets and connection tokens, so it can serve connections.</summary>
    public bool IsListening => _listening.Task.IsCompleted;

    /// <summary>
    /// Serves a WebSocket upgrade at the gateway's path: pages of other origins are refused (403),
    /// so are connections over the node's limit (503); everything else is served until it closes.
    /// </summary>
    public async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (!_origins.Allows(context.Request.Headers.Origin.FirstOrDefault(), context.Request.Host.Value ?? string.Empty))
        {
            _badInput.Record(context.Connection.Id, "WebSocket from a page of another origin");
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("This origin may not open the chat's WebSocket.");
            return;
        }

        if (!await ListeningWithinAsync(TimeSpan.FromSeconds(10), context.RequestAborted))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "2";
            await context.Response.WriteAsync("The gateway is starting; try again shortly.");
            return;
        }

        using var slot = _connectionSlots.AttemptAcquire();
        if (!slot.IsAcquired)
        {
            _badInput.Record(context.Connection.Id, "connection over the node's limit");
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            await context.Response.WriteAsync("Too many connections; try again shortly.");
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await ServeAsync(socket, context.RequestAborted);
    }

    private async Task<bool> ListeningWithinAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await _listening.Task.WaitAsync(wait, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Serves one WebSocket until it closes.</summary>
    public async Task ServeAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var cid = GatewayIds.New();
        using var connection = new GatewayConnection(cid, socket, _options, _requester, _cache, new ConnectionRate(_requestRates, cid), _badInput, ApplyReceivedTokens, _logger);
        lock (_lock)
        {
            _connections.Add(cid, connection);
        }

        GatewayMetrics.Connections.Add(1);
        try
        {
            await connection.RunAsync(cancellationToken);
        }
        finally
        {
            GatewayMetrics.Connections.Add(-1);
            lock (_lock)
            {
                _connections.Remove(cid);
            }

            var rids = connection.Close();
            if (rids.Count > 0 && _options.DisconnectHint)
            {
                await PublishDisconnectHintAsync(connection.Cid, rids);
            }
        }
    }

    /// <summary>Tells the service at once instead of waiting for heartbeats to expire (docs/gateway.md).</summary>
    private async Task PublishDisconnectHintAsync(string cid, IReadOnlyList<string> rids)
    {
        var hint = new JsonObject { ["gid"] = GatewayId, ["rids"] = new JsonArray([.. rids.Select(r => (JsonNode)r)]) };
        try
        {
            await _nats.PublishAsync($"conn.{cid}.disconnect", Encoding.UTF8.GetBytes(hint.ToJsonString()), cancellationToken: CancellationToken.None);
        }
        catch (NatsException e)
        {
            // A hint only: heartbeats expire the members anyway.
            LogHintFailed(_logger, e, cid);
        }
    }

    /// <summary>
    /// Listens for <c>system.reset</c> (cached resources are re-fetched, access is checked again) and
    /// for connection tokens.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await NatsConnectRetry.ConnectAsync(_nats, stoppingToken);
        await using var resets = await _nats.SubscribeCoreAsync<byte[]>("system.reset", cancellationToken: stoppingToken);
        await using var tokens = await _nats.SubscribeCoreAsync<byte[]>("conn.*.token", cancellationToken: stoppingToken);
        _tokens = new TokenEvents(tokens, ConnectionOf);
        var tokenPump = _tokens.PumpAsync(stoppingToken);

        // The server has both subscriptions once it answers a ping.
        await _nats.PingAsync(stoppingToken);
        _listening.TrySetResult();
        try
        {
            await foreach (var message in resets.Msgs.ReadAllAsync(stoppingToken))
            {
                var (resources, access) = ReadReset(message.Data);
                if (resources.Count > 0)
                {
                    await _cache.ResetAsync(resources, stoppingToken);
                }

                if (access.Count > 0)
                {
                    List<GatewayConnection> connections;
                    lock (_lock)
                    {
                        connections = [.. _connections.Values];
                    }

                    await Task.WhenAll(connections.Select(c => c.RecheckAccessAsync(access, stoppingToken)));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await tokenPump;
    }

    private void ApplyReceivedTokens() => _tokens?.ApplyReceived();

    private GatewayConnection? ConnectionOf(string cid)
    {
        lock (_lock)
        {
            return _connections.GetValueOrDefault(cid);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _cache.DisposeAsync();
        _badInput.Dispose();
        _requestRates.Dispose();
        _connectionSlots.Dispose();
        await _nats.DisposeAsync();
    }

    private static (List<string> Resources, List<string> Access) ReadReset(byte[]? data)
    {
        try
        {
            var json = data is { Length: > 0 } ? JsonNode.Parse(data) as JsonObject : null;
            return (Strings(json?["resources"]), Strings(json?["access"]));
        }
        catch (System.Text.Json.JsonException)
        {
            return ([], []);
        }

        static List<string> Strings(JsonNode? node) =>
            node is JsonArray array ? array.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToList() : [];
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Could not publish the disconnect hint of {Cid}")]
    private static partial void LogHintFailed(ILogger logger, Exception exception, string cid);
}
