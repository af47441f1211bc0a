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
/// One resource in the gateway cache: its data, the subscription to its events (made before the get)
/// and the connections listening to it. Events and get replies are taken in the order they arrived on
/// the connection (<see cref="ArrivalClock"/>), as Resgate takes them: an event that arrived before a
/// get's reply is in the reply and is dropped; one that arrived after it is applied on top of the reply,
/// even when it was read first: held until the first reply, and replayed onto a reset's reply before the
/// difference is sent (docs/gateway.md). The load runs on the resource's own lifetime, never on the first
/// caller's: a client that goes away mid-load cannot leave a cancelled load behind for everyone else.
/// </summary>
public sealed class CachedResource : IAsyncDisposable
{
    private const int MaxHeldEvents = 1024;

    private readonly ServiceRequester _requester;
    private readonly Lock _lock = new();
    private readonly HashSet<IResourceListener> _listeners = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<HeldEvent> _held = [];
    private Task<ResError?>? _loading;
    private StampedSubscription? _events;
    private Task _pump = Task.CompletedTask;
    private JsonNode? _data;
    private bool _loaded;

    // Arrival of the last get reply applied: events that arrived before it are in the data already.
    private long _replyApplied;

    // Resets whose get is in flight: the events applied meanwhile are held, to be replayed onto the reply.
    private int _refreshes;
    private bool _heldOverflowed;

    internal CachedResource(string rid, ServiceRequester requester)
    {
        Rid = rid;
        _requester = requester;
    }

    public string Rid { get; }

    /// <summary>Connections holding the resource; guarded by the cache's lock.</summary>
    internal int Users { get; set; }

    internal bool HeldEventsOverflowed
    {
        get
        {
            lock (_lock)
            {
                return _heldOverflowed;
            }
        }
    }

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
            _events = await _requester.SubscribeInOrderAsync($"event.{Rid}.*", _stop.Token);
            _pump = PumpAsync(_events);
            error = await FetchAsync(refresh: false, _stop.Token);
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

    /// <summary>
    /// Gets the resource; the first time it sets the data, later (reset) it sends the differences as events.
    /// Either way the events that arrived after the reply are applied on top of it.
    /// </summary>
    private async Task<ResError?> FetchAsync(bool refresh, CancellationToken cancellationToken)
    {
        if (refresh)
        {
            lock (_lock)
            {
                _refreshes++;
            }
        }

        bool resync;
        try
        {
            var (reply, arrival) = await _requester.RequestStampedAsync($"get.{Rid}", [], cancellationToken);
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
                resync = ApplyReply(fresh, arrival);
            }
        }
        finally
        {
            if (refresh)
            {
                lock (_lock)
                {
                    if (--_refreshes == 0 && _loaded)
                    {
                        _held.Clear();
                    }
                }
            }
        }

        if (resync)
        {
            await FetchAsync(refresh: true, cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// The reply, plus every held event that arrived after it, becomes the data; returns whether held events
    /// were lost to the bound, so that the resource must be fetched again. Called with the lock held.
    /// </summary>
    private bool ApplyReply(JsonNode fresh, long arrival)
    {
        if (arrival < _replyApplied)
        {
            return false; // a later reply is applied already
        }

        var target = fresh.DeepClone();
        foreach (var e in _held.Where(e => e.Arrival > arrival))
        {
            ResourcePatch.Apply(target, e.Name, e.Data?.DeepClone());
        }

        if (_loaded)
        {
            foreach (var (name, data) in ResourceDiff.Events(_data!, target))
            {
                ApplyAndForward(name, data);
            }
        }
        else
        {
            IsModel = target is JsonObject;
            _data = target;
            _loaded = true;
        }

        _replyApplied = arrival;
        _held.RemoveAll(e => e.Arrival <= arrival);
        var resync = _heldOverflowed;
        _heldOverflowed = false;
        return resync;
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
            await FetchAsync(refresh: true, cancellationToken);
        }
    }

    private async Task PumpAsync(StampedSubscription events)
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
                    Take(new HeldEvent(message.Arrival, name, data));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One event, in the order the pump reads them; called with the lock held.</summary>
    private void Take(HeldEvent e)
    {
        if (_loaded && e.Arrival < _replyApplied)
        {
            return; // the reply that came after it already holds it
        }

        if (_loaded)
        {
            ApplyAndForward(e.Name, e.Data?.DeepClone());
        }

        if (!_loaded || _refreshes > 0)
        {
            if (_held.Count >= MaxHeldEvents)
            {
                // Only a service flooding one resource during one get gets here: fetch again once the reply is in.
                _held.RemoveAt(0);
                _heldOverflowed = true;
            }

            _held.Add(e);
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

    private sealed record HeldEvent(long Arrival, string Name, JsonNode? Data);
}
