using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Chat.Nats;
using Microsoft.Extensions.Logging;

namespace Chat.Gateway;

/// <summary>
/// One client connection: reads frames within the connection's limits and answers each request.
/// What a request does is <see cref="RequestDispatcher"/>'s, what the connection holds
/// <see cref="ConnectionSubscriptions"/>', and writing <see cref="FrameWriter"/>'s.
/// </summary>
internal sealed partial class GatewayConnection : IResourceListener, IDisposable
{
    // A client that does not answer our close frame within this long is cut off.
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly GatewayOptions _options;
    private readonly RateLimiter _requestRate;
    private readonly BadInputLog _badInput;
    private readonly ILogger _logger;
    private readonly FrameWriter _writer;
    private readonly ConnectionSubscriptions _subscriptions;
    private readonly RequestDispatcher _dispatcher;
    private readonly ConnectionToken _token = new();
    private readonly ConcurrencyLimiter _inFlight;
    private readonly CancellationTokenSource _reading = new();

    public GatewayConnection(
        string cid,
        WebSocket socket,
        GatewayOptions options,
        ServiceRequester requester,
        ResourceCache cache,
        RateLimiter requestRate,
        BadInputLog badInput,
        Action applyReceivedTokens,
        ILogger logger)
    {
        Cid = cid;
        _socket = socket;
        _options = options;
        _requestRate = requestRate;
        _badInput = badInput;
        _logger = logger;
        _writer = new FrameWriter(socket, options.SendQueueBytes);
        _writer.Overflowed += OnOverflowed;
        _writer.CloseSent += () => _reading.CancelAfter(CloseHandshakeTimeout);
        _subscriptions = new ConnectionSubscriptions(this, cache, _writer.TryWrite);
        _dispatcher = new RequestDispatcher(cid, this, options, requester, cache, _subscriptions, _token, applyReceivedTokens);
        _inFlight = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = options.MaxRequestsInFlight, QueueLimit = 0 });
    }

    public string Cid { get; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stopping = cancellationToken.Register(() => _reading.Cancel());
        var writer = _writer.RunAsync(cancellationToken);
        var requests = new List<Task>();
        await using var idle = new Timer(_ => CloseForPolicy("Idle for too long"), null, _options.IdleTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            var buffer = new byte[16 * 1024];
            using var frame = new MemoryStream();
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var received = await _socket.ReceiveAsync(buffer, _reading.Token);
                idle.Change(_options.IdleTimeout, Timeout.InfiniteTimeSpan);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    _writer.Close(WebSocketCloseStatus.NormalClosure, string.Empty);
                    break;
                }

                if (received.MessageType == WebSocketMessageType.Binary)
                {
                    _badInput.Record(Cid, "binary frame");
                    _writer.Close(WebSocketCloseStatus.InvalidMessageType, "RES frames are text.");
                    continue;
                }

                if (frame.Length + received.Count > _options.MaxFrameBytes)
                {
                    _badInput.Record(Cid, "frame too large");
                    _writer.Close(WebSocketCloseStatus.MessageTooBig, $"Frames are limited to {_options.MaxFrameBytes} bytes.");
                    frame.SetLength(0);
                    continue;
                }

                frame.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var text = frame.ToArray();
                frame.SetLength(0);
                requests.RemoveAll(t => t.IsCompleted);
                if (Admit(text) is { } admitted)
                {
                    requests.Add(HandleAsync(admitted.Request, admitted.Lease, cancellationToken));
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away, did not finish closing, or the node is stopping; its state is dropped below.
        }
        finally
        {
            _writer.Complete();
            await Task.WhenAll(requests).ContinueWith(_ => { }, TaskScheduler.Default);
            await writer;
        }
    }

    public void Dispose()
    {
        _inFlight.Dispose();
        _reading.Dispose();
    }

    /// <summary>
    /// A service set (or cleared) this connection's token: every subscription's access is checked
    /// again with it, as Resgate does, and those no longer granted end.
    /// </summary>
    public void SetToken(JsonNode? token)
    {
        _token.Set(token);
        _ = _dispatcher.RecheckAccessAsync([">"], CancellationToken.None);
    }

    public void OnResourceEvent(string rid, byte[] frame) => _subscriptions.OnEvent(rid, frame);

    /// <summary>Drops everything the connection held; returns those resource ids (for the disconnect hint).</summary>
    public IReadOnlyList<string> Close() => _subscriptions.Close();

    /// <summary><c>system.reset</c> with access patterns: direct subscriptions whose access is gone end.</summary>
    public Task RecheckAccessAsync(IReadOnlyList<string> patterns, CancellationToken cancellationToken) =>
        _dispatcher.RecheckAccessAsync(patterns, cancellationToken);

    /// <summary>
    /// A frame becomes a request only within the connection's limits; everything else is answered
    /// here, at once, without touching NATS.
    /// </summary>
    private (ClientRequest Request, RateLimitLease Lease)? Admit(byte[] frame)
    {
        if (ClientRequest.TryParse(frame, out var id, out var invalid) is not { } request)
        {
            Refuse(id, invalid!);
            return null;
        }

        using (var rate = _requestRate.AttemptAcquire())
        {
            if (!rate.IsAcquired)
            {
                Refuse(id, ResError.LimitExceeded($"More than {_options.RequestsPerSecond} requests per second."));
                return null;
            }
        }

        var lease = _inFlight.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            Refuse(id, ResError.LimitExceeded($"More than {_options.MaxRequestsInFlight} requests in flight."));
            return null;
        }

        return (request, lease);
    }

    private void Refuse(JsonNode? id, ResError error)
    {
        _badInput.Record(Cid, error.Message);
        _writer.TryWrite(Frames.Error(id, error));
    }

    private async Task HandleAsync(ClientRequest request, RateLimitLease lease, CancellationToken cancellationToken)
    {
        using (lease)
        {
            try
            {
                var reply = await _dispatcher.DispatchAsync(request, cancellationToken);
                if (reply.Error is not null)
                {
                    _writer.TryWrite(Frames.Error(request.Id, reply.Error));
                    return;
                }

                _subscriptions.CompleteReveal(Frames.Result(request.Id, reply.Result), reply.Revealed);
                if (reply.DropAfterSend)
                {
                    _subscriptions.DropUnreachable();
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                // Client input cannot get here (it is checked first): this is a bug, so it is logged in full.
                LogRequestFailed(_logger, e, Cid);
                _writer.TryWrite(Frames.Error(request.Id, ResError.InternalError));
            }
        }
    }

    private void CloseForPolicy(string reason)
    {
        _badInput.Record(Cid, reason);
        _writer.Close(WebSocketCloseStatus.PolicyViolation, reason);
    }

    private void OnOverflowed()
    {
        LogSlowClient(_logger, Cid, _options.SendQueueBytes);
        GatewayMetrics.SlowClientsDropped.Add(1);
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Connection {Cid} fell more than {Limit} bytes behind and was closed")]
    private static partial void LogSlowClient(ILogger logger, string cid, long limit);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Request on connection {Cid} failed")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, string cid);
}
