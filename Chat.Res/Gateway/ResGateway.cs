using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Chat.Res.Gateway;

/// <summary>
/// The embedded gateway: speaks the RES client protocol to browsers over WebSocket and the RES
/// service protocol over NATS, mirroring Resgate for what the chat uses (design section 9).
/// </summary>
public sealed partial class ResGateway : BackgroundService
{
    private readonly INatsConnection _nats;
    private readonly GatewayOptions _options;
    private readonly ILogger<ResGateway> _logger;
    private readonly ServiceRequester _requester;
    private readonly ResourceCache _cache;
    private readonly Lock _lock = new();
    private readonly HashSet<GatewayConnection> _connections = [];

    public ResGateway(INatsConnection nats, IOptions<GatewayOptions> options, ILogger<ResGateway> logger)
    {
        _nats = nats;
        _options = options.Value;
        _logger = logger;
        _requester = new ServiceRequester(nats, _options.RequestTimeout);
        _cache = new ResourceCache(nats, _requester, _options.UnsubscribeDelay);
        GatewayId = NewId();
    }

    /// <summary>Names this gateway in the disconnect hints it publishes.</summary>
    public string GatewayId { get; }

    /// <summary>Serves one WebSocket until it closes.</summary>
    public async Task ServeAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var connection = new GatewayConnection(NewId(), socket, _options, _requester, _cache, _logger);
        lock (_lock)
        {
            _connections.Add(connection);
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
                _connections.Remove(connection);
            }

            var rids = connection.Close();
            if (rids.Count > 0 && _options.DisconnectHint)
            {
                // Design section 5: tell the service at once instead of waiting for heartbeats to expire.
                var hint = new JsonObject { ["gid"] = GatewayId, ["rids"] = new JsonArray([.. rids.Select(r => (JsonNode)r)]) };
                await _nats.PublishAsync($"conn.{connection.Cid}.disconnect", Encoding.UTF8.GetBytes(hint.ToJsonString()), cancellationToken: CancellationToken.None);
            }
        }
    }

    /// <summary>Listens for <c>system.reset</c>: cached resources are re-fetched, access is checked again.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _nats.ConnectAsync();
        await using var resets = await _nats.SubscribeCoreAsync<byte[]>("system.reset", cancellationToken: stoppingToken);
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
                        connections = [.. _connections];
                    }

                    await Task.WhenAll(connections.Select(c => c.RecheckAccessAsync(access, stoppingToken)));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await _cache.DisposeAsync();
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

    /// <summary>A connection id like Resgate's: 20 characters, a valid NATS subject token.</summary>
    private static string NewId()
    {
        const string alphabet = "0123456789abcdefghijklmnopqrstuv";
        Span<byte> bytes = stackalloc byte[20];
        RandomNumberGenerator.Fill(bytes);
        var chars = new char[20];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[bytes[i] & 31];
        }

        return new string(chars);
    }
}
