using System.Text;
using System.Text.Json.Nodes;
using NATS.Client.Core;

namespace Chat.Res.Gateway;

/// <summary>Who receives a cached resource's events: a client connection.</summary>
public interface IResourceListener
{
    /// <summary>Called with the resource's lock held, in event order; must not block.</summary>
    void OnResourceEvent(string rid, byte[] frame);
}

/// <summary>
/// One resource in the gateway cache: its data, the subscription to its events (made before the get,
/// with events dropped until the get's reply, as Resgate does) and the connections listening to it.
/// </summary>
public sealed class CachedResource : IAsyncDisposable
{
    private readonly INatsConnection _nats;
    private readonly ServiceRequester _requester;
    private readonly Lock _lock = new();
    private readonly HashSet<IResourceListener> _listeners = [];
    private readonly CancellationTokenSource _stop = new();
    private Task<JsonObject?>? _loading;
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

    internal Task<JsonObject?> LoadAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _loading ??= LoadOnceAsync(cancellationToken);
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
        value is JsonObject o && o["rid"] is JsonValue rid && rid.TryGetValue<string>(out var id) && o["soft"] is null ? id : null;

    private async Task<JsonObject?> LoadOnceAsync(CancellationToken cancellationToken)
    {
        _events = await _nats.SubscribeCoreAsync<byte[]>($"event.{Rid}.*", cancellationToken: _stop.Token);
        _pump = PumpAsync(_events);
        var error = await FetchAsync(cancellationToken);
        return error;
    }

    /// <summary>Gets the resource; the first time it sets the data, later (reset) it sends the differences as events.</summary>
    private async Task<JsonObject?> FetchAsync(CancellationToken cancellationToken)
    {
        var response = await _requester.RequestAsync($"get.{Rid}", [], cancellationToken);
        if (response["error"] is JsonObject)
        {
            return response;
        }

        var result = response["result"] as JsonObject;
        var fresh = result?["model"] ?? result?["collection"];
        if (fresh is not (JsonObject or JsonArray))
        {
            return ResError.Of("system.internalError", "Internal error: get returned neither a model nor a collection");
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
    private void ApplyAndForward(string name, JsonNode? data)
    {
        switch (name, _data, data)
        {
            case ("change", JsonObject model, JsonObject { } payload) when payload["values"] is JsonObject values:
                var changed = new JsonObject();
                foreach (var (key, value) in values)
                {
                    var deleted = value is JsonObject o && o["action"]?.GetValue<string>() == "delete";
                    if (deleted ? model.ContainsKey(key) : !JsonNode.DeepEquals(model[key], value))
                    {
                        changed[key] = value?.DeepClone();
                    }
                }

                if (changed.Count == 0)
                {
                    return;
                }

                foreach (var (key, value) in changed)
                {
                    if (value is JsonObject o && o["action"]?.GetValue<string>() == "delete")
                    {
                        model.Remove(key);
                    }
                    else
                    {
                        model[key] = value?.DeepClone();
                    }
                }

                data = new JsonObject { ["values"] = changed };
                break;
            case ("add", JsonArray collection, JsonObject { } payload) when payload["idx"] is JsonValue idx && idx.TryGetValue<int>(out var at) && at >= 0 && at <= collection.Count:
                collection.Insert(at, payload["value"]?.DeepClone());
                break;
            case ("remove", JsonArray collection, JsonObject { } payload) when payload["idx"] is JsonValue idx && idx.TryGetValue<int>(out var at) && at >= 0 && at < collection.Count:
                collection.RemoveAt(at);
                break;
            case ("change" or "add" or "remove", _, _):
                // Malformed for this resource: Resgate logs and ignores it.
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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_events is not null)
        {
            await _events.DisposeAsync();
        }

        await _pump;
        _stop.Dispose();
    }
}
