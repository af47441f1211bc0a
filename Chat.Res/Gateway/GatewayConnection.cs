using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Chat.Res.Gateway;

/// <summary>
/// One client connection: reads RES client requests, keeps the connection's subscriptions (direct
/// counts, the resources they reach, access per subscription) and forwards events only for resources
/// the client holds. Writes go through a bounded queue; a client that cannot keep up is dropped.
/// </summary>
internal sealed partial class GatewayConnection(
    string cid,
    WebSocket socket,
    GatewayOptions options,
    ServiceRequester requester,
    ResourceCache cache,
    ILogger logger) : IResourceListener
{
    public const string Protocol = "1.2.3";

    private readonly Channel<byte[]> _outgoing = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.SendQueueLimit)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _direct = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _access = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedResource> _held = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly List<(string Rid, byte[] Frame)> _eventsWhilePending = [];
    private bool _closed;

    // Set once the read loop has ended and no more frames will be written: a send refused after that
    // is a closing connection, not a slow client.
    private volatile bool _writesCompleted;

    public string Cid { get; } = cid;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var writer = WriteLoopAsync(cancellationToken);
        var requests = new List<Task>();
        try
        {
            var buffer = new byte[16 * 1024];
            using var frame = new MemoryStream();
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }

                if (frame.Length + received.Count > options.MaxFrameBytes)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, $"Frames are limited to {options.MaxFrameBytes} bytes.", CancellationToken.None);
                    break;
                }

                frame.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var text = frame.ToArray();
                frame.SetLength(0);
                requests.RemoveAll(t => t.IsCompleted);
                requests.Add(HandleAsync(text, cancellationToken));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went away or the node is stopping; the connection's state is dropped below.
        }
        finally
        {
            _writesCompleted = true;
            _outgoing.Writer.TryComplete();
            await Task.WhenAll(requests).ContinueWith(_ => { }, TaskScheduler.Default);
            await writer;
        }
    }

    public void OnResourceEvent(string rid, byte[] frame)
    {
        lock (_lock)
        {
            if (_pending.Contains(rid))
            {
                _eventsWhilePending.Add((rid, frame));
            }
            else if (_sent.Contains(rid))
            {
                Send(frame);
            }
        }
    }

    /// <summary>Drops everything the connection held; returns those resource ids (for the disconnect hint).</summary>
    public IReadOnlyList<string> Close()
    {
        List<CachedResource> held;
        lock (_lock)
        {
            _closed = true;
            held = [.. _held.Values];
            _held.Clear();
            _direct.Clear();
            _access.Clear();
            _sent.Clear();
        }

        foreach (var resource in held)
        {
            resource.StopListening(this);
            cache.Release(resource);
        }

        return held.Select(r => r.Rid).ToList();
    }

    /// <summary><c>system.reset</c> with access patterns: direct subscriptions whose access is gone end.</summary>
    public async Task RecheckAccessAsync(IReadOnlyList<string> patterns, CancellationToken cancellationToken)
    {
        List<string> rids;
        lock (_lock)
        {
            rids = _direct.Keys.Where(rid => patterns.Any(p => SubjectPattern.Matches(p, rid))).ToList();
        }

        foreach (var rid in rids)
        {
            var (access, error) = await AccessAsync(rid, cancellationToken);
            if (error is null && access!["get"]?.GetValue<bool>() == true)
            {
                lock (_lock)
                {
                    if (_direct.ContainsKey(rid))
                    {
                        _access[rid] = access;
                    }
                }

                continue;
            }

            lock (_lock)
            {
                _direct.Remove(rid);
                _access.Remove(rid);
                var reason = (error ?? ResError.Of("system.accessDenied", "Access denied"))["error"]!.DeepClone();
                Send(Frame(new JsonObject { ["event"] = $"{rid}.unsubscribe", ["data"] = new JsonObject { ["reason"] = reason } }));
            }

            DropUnreachable();
        }
    }

    private async Task HandleAsync(byte[] text, CancellationToken cancellationToken)
    {
        JsonNode? id = null;
        try
        {
            if (JsonNode.Parse(text) is not JsonObject request || request["method"] is not JsonValue methodValue
                || !methodValue.TryGetValue<string>(out var method))
            {
                Send(ErrorFrame(null, "system.invalidRequest", "Invalid request"));
                return;
            }

            id = request["id"]?.DeepClone();
            var parameters = request["params"];
            var reply = await DispatchAsync(method, parameters, cancellationToken);
            if (reply.Error is not null)
            {
                Send(Frame(new JsonObject { ["id"] = id, ["error"] = reply.Error["error"]!.DeepClone() }));
            }
            else
            {
                var response = new JsonObject { ["id"] = id };
                if (reply.Result is not null)
                {
                    response["result"] = reply.Result;
                }

                SendResponse(Frame(response), reply.Revealed);
                if (reply.DropAfterSend)
                {
                    DropUnreachable();
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            Send(ErrorFrame(id, "system.invalidRequest", "Invalid request: not JSON"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRequestFailed(logger, e, Cid);
            Send(ErrorFrame(id, "system.internalError", "Internal error"));
        }
    }

    private async Task<Reply> DispatchAsync(string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        if (method == "version")
        {
            var major = (parameters?["protocol"] as JsonValue)?.TryGetValue<string>(out var version) == true ? version.Split('.')[0] : "1";
            return major == "1"
                ? new Reply(new JsonObject { ["protocol"] = Protocol }, null, [])
                : Reply.Fail("system.unsupportedProtocol", "Unsupported protocol");
        }

        var dot = method.IndexOf('.', StringComparison.Ordinal);
        var type = dot < 0 ? method : method[..dot];
        var target = dot < 0 ? string.Empty : method[(dot + 1)..];
        switch (type)
        {
            case "subscribe" when IsValidRid(target):
                return await SubscribeAsync(target, cancellationToken);
            case "unsubscribe" when IsValidRid(target):
                return Unsubscribe(target, parameters);
            case "get" when IsValidRid(target):
                return await GetAsync(target, cancellationToken);
            case "call" when target.LastIndexOf('.') is var last && last > 0 && IsValidRid(target[..last]):
                return await CallAsync(target[..last], target[(last + 1)..], parameters, cancellationToken);
            case "subscribe" or "unsubscribe" or "get" or "call":
                return Reply.Fail("system.invalidRequest", "Invalid resource ID");
            default:
                return Reply.Fail("system.invalidRequest", $"Unknown method type '{type}'");
        }
    }

    private async Task<Reply> SubscribeAsync(string rid, CancellationToken cancellationToken)
    {
        var access = AccessAsync(rid, cancellationToken);
        var resources = CollectAsync(rid, cancellationToken);
        var (granted, accessError) = await access;
        var collected = await resources;
        if (accessError is not null || granted!["get"]?.GetValue<bool>() != true)
        {
            collected.Abandon(this, cache);
            return new Reply(null, accessError ?? ResError.Of("system.accessDenied", "Access denied"), []);
        }

        if (collected.RootError is not null)
        {
            collected.Abandon(this, cache);
            return new Reply(null, collected.RootError, []);
        }

        lock (_lock)
        {
            _direct[rid] = _direct.GetValueOrDefault(rid) + 1;
            _access[rid] = granted;
        }

        return new Reply(collected.Set, null, collected.Revealed);
    }

    private async Task<Reply> GetAsync(string rid, CancellationToken cancellationToken)
    {
        var (granted, accessError) = await AccessAsync(rid, cancellationToken);
        if (accessError is not null || granted!["get"]?.GetValue<bool>() != true)
        {
            return new Reply(null, accessError ?? ResError.Of("system.accessDenied", "Access denied"), []);
        }

        var collected = await CollectAsync(rid, cancellationToken);
        if (collected.RootError is not null)
        {
            collected.Abandon(this, cache);
            return new Reply(null, collected.RootError, []);
        }

        // A get holds nothing afterwards; resources it fetched stay only if a subscription reaches them.
        return new Reply(collected.Set, null, collected.Revealed, DropAfterSend: true);
    }

    private Reply Unsubscribe(string rid, JsonNode? parameters)
    {
        var count = (parameters?["count"] as JsonValue)?.TryGetValue<int>(out var n) == true ? n : 1;
        lock (_lock)
        {
            if (count < 1 || !_direct.TryGetValue(rid, out var current) || current < count)
            {
                return Reply.Fail("system.noSubscription", "No subscription");
            }

            if (current == count)
            {
                _direct.Remove(rid);
                _access.Remove(rid);
            }
            else
            {
                _direct[rid] = current - count;
            }
        }

        DropUnreachable();
        return new Reply(null, null, []);
    }

    private async Task<Reply> CallAsync(string rid, string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        // A subscribed resource's access is cached with the subscription (until a reset); others are asked each time.
        JsonObject? cached;
        lock (_lock)
        {
            _access.TryGetValue(rid, out cached);
        }

        var (access, accessError) = cached is not null ? (cached, null) : await AccessAsync(rid, cancellationToken);
        if (accessError is not null)
        {
            return new Reply(null, accessError, []);
        }

        var calls = access!["call"] is JsonValue callValue && callValue.TryGetValue<string>(out var list) ? list : string.Empty;
        if (calls != "*" && !calls.Split(',').Contains(method, StringComparer.Ordinal))
        {
            return Reply.Fail("system.accessDenied", "Access denied");
        }

        var body = new JsonObject { ["params"] = parameters?.DeepClone(), ["token"] = null, ["cid"] = Cid };
        if (parameters is null)
        {
            body.Remove("params");
        }

        var response = await requester.RequestAsync($"call.{rid}.{method}", body, cancellationToken);
        if (response["error"] is JsonObject)
        {
            return new Reply(null, response, []);
        }

        if (response["resource"] is JsonObject resource && resource["rid"] is JsonValue ridValue && ridValue.TryGetValue<string>(out var newRid) && IsValidRid(newRid))
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

        return new Reply(new JsonObject { ["payload"] = response["result"]?.DeepClone() }, null, []);
    }

    private async Task<(JsonObject? Access, JsonObject? Error)> AccessAsync(string rid, CancellationToken cancellationToken)
    {
        var response = await requester.RequestAsync($"access.{rid}", new JsonObject { ["token"] = null, ["cid"] = Cid }, cancellationToken);
        return response["result"] is JsonObject result ? (result, null) : (null, response["error"] is JsonObject ? response : ResError.Of("system.accessDenied", "Access denied"));
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
        JsonObject? rootError = null;
        while (queue.TryDequeue(out var rid))
        {
            if (!seen.Add(rid))
            {
                continue;
            }

            CachedResource? resource;
            lock (_lock)
            {
                _held.TryGetValue(rid, out resource);
            }

            if (resource is null)
            {
                var (loaded, error) = await cache.AcquireAsync(rid, cancellationToken);
                if (error is not null)
                {
                    if (rid == root)
                    {
                        rootError = error;
                    }
                    else
                    {
                        errors[rid] = error["error"]!.DeepClone();
                    }

                    continue;
                }

                lock (_lock)
                {
                    if (_closed || !_held.TryAdd(rid, loaded!))
                    {
                        // Another request got there first (or the client left): keep one hold only.
                        cache.Release(loaded!);
                        loaded = _closed ? null : _held[rid];
                    }
                    else
                    {
                        acquired.Add(loaded!);
                    }
                }

                resource = loaded;
            }

            foreach (var reference in resource?.References() ?? [])
            {
                queue.Enqueue(reference);
            }
        }

        // Snapshot what the client has not seen, and from the same instant route its events through
        // the pending list, so no event can overtake the response that carries the resource.
        List<CachedResource> reveal;
        lock (_lock)
        {
            reveal = seen.Where(r => !_sent.Contains(r) && !_pending.Contains(r) && _held.ContainsKey(r)).Select(r => _held[r]).ToList();
            _pending.UnionWith(reveal.Select(r => r.Rid));
        }

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

    /// <summary>Lets go of resources no direct subscription reaches any more.</summary>
    private void DropUnreachable()
    {
        List<CachedResource> dropped;
        lock (_lock)
        {
            var reachable = new HashSet<string>(StringComparer.Ordinal);
            var queue = new Queue<string>(_direct.Keys);
            while (queue.TryDequeue(out var rid))
            {
                if (reachable.Add(rid) && _held.TryGetValue(rid, out var resource))
                {
                    foreach (var reference in resource.References())
                    {
                        queue.Enqueue(reference);
                    }
                }
            }

            dropped = _held.Where(p => !reachable.Contains(p.Key) && !_pending.Contains(p.Key)).Select(p => p.Value).ToList();
            foreach (var resource in dropped)
            {
                _held.Remove(resource.Rid);
                _sent.Remove(resource.Rid);
            }
        }

        foreach (var resource in dropped)
        {
            resource.StopListening(this);
            cache.Release(resource);
        }
    }

    private void SendResponse(byte[] frame, IReadOnlyList<string> revealed)
    {
        lock (_lock)
        {
            Send(frame);
            foreach (var rid in revealed)
            {
                _pending.Remove(rid);
                _sent.Add(rid);
            }

            foreach (var (rid, held) in _eventsWhilePending.Where(e => revealed.Contains(e.Rid)).ToList())
            {
                Send(held);
                _eventsWhilePending.Remove((rid, held));
            }
        }
    }

    private void Send(byte[] frame)
    {
        if (!_outgoing.Writer.TryWrite(frame) && !_closed && !_writesCompleted)
        {
            // The client does not read fast enough: drop it rather than buffer without limit.
            LogSlowClient(logger, Cid, options.SendQueueLimit);
            GatewayMetrics.SlowClientsDropped.Add(1);
            _writesCompleted = true;
            _outgoing.Writer.TryComplete();
            socket.Abort();
        }
    }

    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in _outgoing.Reader.ReadAllAsync(cancellationToken))
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private static bool IsValidRid(string rid) =>
        rid.Length > 0 && rid.Split('.').All(token => token.Length > 0 && !token.Any(c => char.IsWhiteSpace(c) || c is '*' or '>' or '?'));

    private static byte[] Frame(JsonObject frame) => Encoding.UTF8.GetBytes(frame.ToJsonString());

    private static byte[] ErrorFrame(JsonNode? id, string code, string message) =>
        Frame(new JsonObject { ["id"] = id?.DeepClone(), ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Connection {Cid} fell {Limit} messages behind and was closed")]
    private static partial void LogSlowClient(ILogger logger, string cid, int limit);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Request on connection {Cid} failed")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, string cid);

    private sealed record Reply(JsonObject? Result, JsonObject? Error, IReadOnlyList<string> Revealed, bool DropAfterSend = false)
    {
        public static Reply Fail(string code, string message) => new(null, ResError.Of(code, message), []);
    }

    private sealed record Collected(JsonObject Set, JsonObject? RootError, List<CachedResource> Acquired, IReadOnlyList<string> Revealed)
    {
        /// <summary>The request failed after resources were acquired for it: give them back.</summary>
        public void Abandon(GatewayConnection connection, ResourceCache cache)
        {
            lock (connection._lock)
            {
                foreach (var rid in Revealed)
                {
                    connection._pending.Remove(rid);
                }

                connection._eventsWhilePending.RemoveAll(e => Revealed.Contains(e.Rid));
                foreach (var resource in Acquired)
                {
                    connection._held.Remove(resource.Rid);
                }
            }

            foreach (var resource in Acquired)
            {
                resource.StopListening(connection);
                cache.Release(resource);
            }
        }
    }
}
