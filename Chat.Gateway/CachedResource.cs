using System.Text;
using System.Text.Json.Nodes;
using NATS.Client.Core;

namespace Chat.Gateway;

/// <summary>Who receives a cached resource's events: a client connection.</summary>
public interface IResourceListener
{
    /// <summary>Called with the resource's lock held, in event order; must not block.</summary>
    void OnResourceEvent(string rid, byte[] frame);
}

/// <summary>
/// One resource in the gateway cache: its data, the subscription to its events (made before the get,
/// with events dropped until the get's reply, as Resgate does) and the connections listening to it.
/// The load runs on the resource's own lifetime, never on the first caller's: a client that goes away
/// mid-load cannot leave a cancelled load behind for everyone else.
/// </summary>
public sealed class CachedResource : IAsyncDisposable
{
    private readonly INatsConnection _nats;
    private readonly ServiceRequester _requester;
    private readonly Lock _lock = new();
    private readonly HashSet<IResourceListener> _listeners = [];
    private readonly CancellationTokenSource _stop = new();
    private Task<ResError?>? _loading;
    private INatsSub<byte[]>? _events;
    private Task _pump = Task.CompletedTask;
    private JsonNode? _data;
    private bool _loaded;

    internal CachedResource(string rid, INatsConnection nats, ServiceRequester requester)
    {
        Rid = rid;
        _nats = nats;
        _requester = requester;
    }

    public string Rid { get; }

    /// <summary>Connections holding the resource; guarded by the cache's lock.</summary>
    internal int Users { get; set; }

    public bool IsModel { get; private set; }

    /// <summary>The one load of this resource; null when it succeeded, else the error every waiter gets.</summary>
    internal Task<ResError?> LoadAsync()
    {
        lock (_lock)
        {
            return _loading ??= LoadOnceAsync();
        }
    }

    /// <summary>A copy of the data, and from this instant on every event, to <paramref name="listener"/>.</summary>
    public JsonNode Listen(IResourceListener listener)
    {
        lock (_lock)
        {
            _listeners.Add(listener);
            return _data!.DeepClone();
        }
    }

    public void StopListening(IResourceListener listener)
    {
        lock (_lock)
        {
            _listeners.Remove(listener);
        }
    }

    /// <summary>Non-soft references (<c>{"rid":...}</c>) in the current data.</summary>
    public IReadOnlyList<string> References()
    {
        lock (_lock)
        {
            IEnumerable<JsonNode?> values = _data switch
            {
                JsonObject model => model.Select(p => p.Value),
                JsonArray collection => collection,
                _ => [],
            };
            return values.Select(ReferenceOf).OfType<string>().ToList();
        }
    }

    internal static string? ReferenceOf(JsonNode? value) =>
        value is JsonObject o && o["rid"] is JsonValue rid && rid.TryGetValue<string>(out var id) && o["soft"] is null && ClientRequest.IsValidRid(id)
            ? id
            : null;

    private async Task<ResError?> LoadOnceAsync()
    {
        ResError? error;
        try
        {
            _events = await _nats.SubscribeCoreAsync<byte[]>($"event.{Rid}.*", cancellationToken: _stop.Token);
            _pump = PumpAsync(_events);
            error = await FetchAsync(_stop.Token);
        }
        catch (Exception e) when (e is NatsException or OperationCanceledException)
        {
            error = ResError.Timeout;
        }

        if (error is not null)
        {
            // Nothing of a failed load stays behind: the cache drops the entry, and the next caller loads anew.
            await StopEventsAsync();
        }

        return error;
    }

    /// <summary>Gets the resource; the first time it sets the data, later (reset) it sends the differences as events.</summary>
    private async Task<ResError?> FetchAsync(CancellationToken cancellationToken)
    {
        var reply = await _requester.RequestAsync($"get.{Rid}", [], cancellationToken);
        if (reply.Error is not null)
        {
            return reply.Error;
        }

        var fresh = reply.Result?["model"] ?? reply.Result?["collection"];
        if (fresh is not (JsonObject or JsonArray))
        {
            return new ResError(ResError.InternalError.Code, "Internal error: get returned neither a model nor a collection");
        }

        lock (_lock)
        {
            if (_loaded)
            {
                foreach (var (name, data) in ResourceDiff.Events(_data!, fresh))
                {
                    ApplyAndForward(name, data);
                }
            }
            else
            {
                IsModel = fresh is JsonObject;
                _data = fresh.DeepClone();
                _loaded = true;
            }
        }

        return null;
    }

    internal async Task RefreshAsync(CancellationToken cancellationToken)
    {
        bool loaded;
        lock (_lock)
        {
            loaded = _loaded;
        }

        if (loaded)
        {
            await FetchAsync(cancellationToken);
        }
    }

    private async Task PumpAsync(INatsSub<byte[]> events)
    {
        try
        {
            await foreach (var message in events.Msgs.ReadAllAsync(_stop.Token))
            {
                var name = message.Subject[(message.Subject.LastIndexOf('.') + 1)..];
                JsonNode? data;
                try
                {
                    data = message.Data is { Length: > 0 } bytes ? JsonNode.Parse(bytes) : null;
                }
                catch (System.Text.Json.JsonException)
                {
                    continue;
                }

                lock (_lock)
                {
                    // Events before the get's reply are already in it, or will be: drop them.
                    if (_loaded)
                    {
                        ApplyAndForward(name, data);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Applies an event to the cached data and forwards it; called with the lock held.</summary>
    private void ApplyAndForward(string name, JsonNode? payload)
    {
        var (forward, data) = ResourcePatch.Apply(_data!, name, payload);
        if (!forward)
        {
            return;
        }

        var frame = new JsonObject { ["event"] = $"{Rid}.{name}" };
        if (data is not null)
        {
            frame["data"] = data.DeepClone();
        }

        var bytes = Encoding.UTF8.GetBytes(frame.ToJsonString());
        foreach (var listener in _listeners)
        {
            listener.OnResourceEvent(Rid, bytes);
        }
    }

    private async Task StopEventsAsync()
    {
        await _stop.CancelAsync();
        if (_events is not null)
        {
            await _events.DisposeAsync();
            _events = null;
        }

        await _pump;
    }

    public async ValueTask DisposeAsync()
    {
        await StopEventsAsync();
        _stop.Dispose();
    }
}
