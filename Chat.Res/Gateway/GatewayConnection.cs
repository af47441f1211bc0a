using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Chat.Res.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Chat.Res.Gateway;

/// <summary>
/// One client connection: reads frames within the connection's limits, answers each request, and
/// forwards events for the resources the client holds. Bookkeeping lives in
/// <see cref="ConnectionSubscriptions"/>, writing in <see cref="FrameWriter"/>.
/// </summary>
internal sealed partial class GatewayConnection : IResourceListener, IDisposable
{
    public const string Protocol = "1.2.3";

    // A client that does not answer our close frame within this long is cut off.
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly GatewayOptions _options;
    private readonly ServiceRequester _requester;
    private readonly ResourceCache _cache;
    private readonly RateLimiter _requestRate;
    private readonly BadInputLog _badInput;
    private readonly ILogger _logger;
    private readonly FrameWriter _writer;
    private readonly ConnectionSubscriptions _subscriptions;
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
        ILogger logger)
    {
        Cid = cid;
        _socket = socket;
        _options = options;
        _requester = requester;
        _cache = cache;
        _requestRate = requestRate;
        _badInput = badInput;
        _logger = logger;
        _writer = new FrameWriter(socket, options.SendQueueBytes);
        _writer.Overflowed += OnOverflowed;
        _writer.CloseSent += () => _reading.CancelAfter(CloseHandshakeTimeout);
        _subscriptions = new ConnectionSubscriptions(this, cache, _writer.TryWrite);
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

    public void OnResourceEvent(string rid, byte[] frame) => _subscriptions.OnEvent(rid, frame);

    /// <summary>Drops everything the connection held; returns those resource ids (for the disconnect hint).</summary>
    public IReadOnlyList<string> Close() => _subscriptions.Close();

    /// <summary><c>system.reset</c> with access patterns: direct subscriptions whose access is gone end.</summary>
    public async Task RecheckAccessAsync(IReadOnlyList<string> patterns, CancellationToken cancellationToken)
    {
        foreach (var rid in _subscriptions.DirectMatching(patterns))
        {
            var (access, error) = await AccessAsync(rid, cancellationToken);
            if (error is null && access.Get)
            {
                _subscriptions.Regrant(rid, access);
            }
            else
            {
                _subscriptions.Revoke(rid, error ?? ResError.AccessDenied);
            }
        }
    }

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
                var reply = await DispatchAsync(request, cancellationToken);
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

    private async Task<Reply> DispatchAsync(ClientRequest request, CancellationToken cancellationToken)
    {
        switch (request.Kind)
        {
            case ClientRequestKind.Version:
                var major = ((request.Params as JsonObject)?["protocol"] as JsonValue)?.TryGetValue<string>(out var version) == true ? version.Split('.')[0] : "1";
                return major == "1" ? Reply.Of(new JsonObject { ["protocol"] = Protocol }) : Reply.Fail(ResError.UnsupportedProtocol);
            case ClientRequestKind.Subscribe:
                return await SubscribeAsync(request.Rid, cancellationToken);
            case ClientRequestKind.Unsubscribe:
                return UnsubscribeCount(request.Params) is not { } count
                    ? Reply.Fail(new ResError("system.invalidParams", "count must be a positive integer"))
                    : _subscriptions.TryRemoveDirect(request.Rid, count) ? Reply.Of(null) : Reply.Fail(ResError.NoSubscription);
            case ClientRequestKind.Get:
                return await GetAsync(request.Rid, cancellationToken);
            default:
                return await CallAsync(request.Rid, request.Method!, request.Params, cancellationToken);
        }
    }

    /// <summary>How many direct subscriptions an unsubscribe takes back: 1 unless <c>count</c> says otherwise.</summary>
    private static int? UnsubscribeCount(JsonNode? parameters) => (parameters as JsonObject)?["count"] switch
    {
        null => 1,
        JsonValue value when value.TryGetValue<int>(out var n) && n > 0 => n,
        _ => null,
    };

    private async Task<Reply> SubscribeAsync(string rid, CancellationToken cancellationToken)
    {
        if (!_subscriptions.IsDirect(rid) && _subscriptions.DirectCount >= _options.MaxSubscriptions)
        {
            return Reply.Fail(SubscriptionLimit());
        }

        var access = AccessAsync(rid, cancellationToken);
        var resources = CollectAsync(rid, cancellationToken);
        var (granted, accessError) = await access;
        var collected = await resources;
        var error = accessError ?? (granted.Get ? collected.RootError : ResError.AccessDenied);
        if (error is null && !_subscriptions.TryAddDirect(rid, granted, _options.MaxSubscriptions))
        {
            error = SubscriptionLimit();
        }

        if (error is not null)
        {
            _subscriptions.Abandon(collected.Revealed, collected.Acquired);
            return Reply.Fail(error);
        }

        return new Reply(collected.Set, null, collected.Revealed);
    }

    private ResError SubscriptionLimit() => ResError.LimitExceeded($"More than {_options.MaxSubscriptions} subscriptions.");

    private async Task<Reply> GetAsync(string rid, CancellationToken cancellationToken)
    {
        var (granted, accessError) = await AccessAsync(rid, cancellationToken);
        if (accessError is not null || !granted.Get)
        {
            return Reply.Fail(accessError ?? ResError.AccessDenied);
        }

        var collected = await CollectAsync(rid, cancellationToken);
        if (collected.RootError is not null)
        {
            _subscriptions.Abandon(collected.Revealed, collected.Acquired);
            return Reply.Fail(collected.RootError);
        }

        // A get holds nothing afterwards; resources it fetched stay only if a subscription reaches them.
        return new Reply(collected.Set, null, collected.Revealed, DropAfterSend: true);
    }

    private async Task<Reply> CallAsync(string rid, string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        // A subscribed resource's access is cached with the subscription (until a reset); others are asked each time.
        var (access, accessError) = _subscriptions.CachedAccess(rid) is { } cached ? (cached, null) : await AccessAsync(rid, cancellationToken);
        if (accessError is not null)
        {
            return Reply.Fail(accessError);
        }

        if (!access.AllowsCall(method))
        {
            return Reply.Fail(ResError.AccessDenied);
        }

        var body = new JsonObject { ["token"] = null, ["cid"] = Cid };
        if (parameters is not null)
        {
            body["params"] = parameters.DeepClone();
        }

        var response = await _requester.RequestAsync($"call.{rid}.{method}", body, cancellationToken);
        if (response.Error is not null)
        {
            return Reply.Fail(response.Error);
        }

        if (response.ResourceRid is { } newRid)
        {
            var subscribed = await SubscribeAsync(newRid, cancellationToken);
            if (subscribed.Error is not null)
            {
                return subscribed;
            }

            var result = subscribed.Result!;
            result["rid"] = newRid;
            return subscribed with { Result = result };
        }

        return Reply.Of(new JsonObject { ["payload"] = response.Result });
    }

    private async Task<(AccessGrant Access, ResError? Error)> AccessAsync(string rid, CancellationToken cancellationToken)
    {
        var response = await _requester.RequestAsync($"access.{rid}", new JsonObject { ["token"] = null, ["cid"] = Cid }, cancellationToken);
        return response.Error is not null ? (AccessGrant.None, response.Error) : (AccessGrant.Read(response.Result), null);
    }

    /// <summary>
    /// Acquires <paramref name="root"/> and every resource it references (transitively) that this
    /// connection does not hold yet, and builds the resource set of those the client has not seen.
    /// </summary>
    private async Task<Collected> CollectAsync(string root, CancellationToken cancellationToken)
    {
        var acquired = new List<CachedResource>();
        var errors = new JsonObject();
        var queue = new Queue<string>([root]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        ResError? rootError = null;
        while (queue.TryDequeue(out var rid))
        {
            if (!seen.Add(rid))
            {
                continue;
            }

            var resource = _subscriptions.Held(rid);
            if (resource is null)
            {
                var (loaded, error) = await _cache.AcquireAsync(rid, cancellationToken);
                if (error is not null)
                {
                    if (rid == root)
                    {
                        rootError = error;
                    }
                    else
                    {
                        errors[rid] = error.ToJson();
                    }

                    continue;
                }

                resource = _subscriptions.Hold(loaded!, out var kept);
                if (kept)
                {
                    acquired.Add(loaded!);
                }
            }

            foreach (var reference in resource?.References() ?? [])
            {
                queue.Enqueue(reference);
            }
        }

        var reveal = _subscriptions.BeginReveal(seen);
        var models = new JsonObject();
        var collections = new JsonObject();
        foreach (var resource in reveal)
        {
            var data = resource.Listen(this);
            (resource.IsModel ? models : collections)[resource.Rid] = data;
        }

        var set = new JsonObject();
        if (models.Count > 0)
        {
            set["models"] = models;
        }

        if (collections.Count > 0)
        {
            set["collections"] = collections;
        }

        if (errors.Count > 0)
        {
            set["errors"] = errors;
        }

        return new Collected(set, rootError, acquired, [.. reveal.Select(r => r.Rid)]);
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

    private sealed record Reply(JsonObject? Result, ResError? Error, IReadOnlyList<string> Revealed, bool DropAfterSend = false)
    {
        public static Reply Of(JsonObject? result) => new(result, null, []);

        public static Reply Fail(ResError error) => new(null, error, []);
    }

    private sealed record Collected(JsonObject Set, ResError? RootError, List<CachedResource> Acquired, IReadOnlyList<string> Revealed);
}
