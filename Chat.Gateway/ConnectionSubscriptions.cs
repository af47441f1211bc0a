using System.Text.Json.Nodes;

namespace Chat.Gateway;

/// <summary>
/// What one client connection holds, as Resgate keeps it: direct subscriptions (counted, with the
/// access each was granted), every resource they reach, which of those the client has received, and
/// which are on their way in a response (their events wait until the response is queued, so no event
/// can overtake the resource it changes). One lock guards it all and orders events with responses.
/// </summary>
internal sealed class ConnectionSubscriptions(IResourceListener listener, ResourceCache cache, Func<byte[], bool> send)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _direct = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccessGrant> _access = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CachedResource> _held = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly List<(string Rid, byte[] Frame)> _eventsWhilePending = [];
    private bool _closed;

    public int DirectCount
    {
        get
        {
            lock (_lock)
            {
                return _direct.Count;
            }
        }
    }

    public bool IsDirect(string rid)
    {
        lock (_lock)
        {
            return _direct.ContainsKey(rid);
        }
    }

    public AccessGrant? CachedAccess(string rid)
    {
        lock (_lock)
        {
            return _access.GetValueOrDefault(rid);
        }
    }

    public void OnEvent(string rid, byte[] frame)
    {
        lock (_lock)
        {
            if (_pending.Contains(rid))
            {
                _eventsWhilePending.Add((rid, frame));
            }
            else if (_sent.Contains(rid))
            {
                send(frame);
            }
        }
    }

    public CachedResource? Held(string rid)
    {
        lock (_lock)
        {
            return _held.GetValueOrDefault(rid);
        }
    }

    /// <summary>
    /// Keeps a freshly acquired resource; returns the one the connection now holds (another request
    /// may have got there first, then this hold is given back), or null when the connection closed.
    /// </summary>
    public CachedResource? Hold(CachedResource loaded, out bool kept)
    {
        lock (_lock)
        {
            kept = !_closed && _held.TryAdd(loaded.Rid, loaded);
            if (kept)
            {
                return loaded;
            }
        }

        cache.Release(loaded);
        lock (_lock)
        {
            return _closed ? null : _held.GetValueOrDefault(loaded.Rid);
        }
    }

    /// <summary>
    /// The resources among <paramref name="seen"/> the client has not received; from this instant their
    /// events wait for the response that carries them.
    /// </summary>
    public List<CachedResource> BeginReveal(IEnumerable<string> seen)
    {
        lock (_lock)
        {
            var reveal = seen.Where(r => !_sent.Contains(r) && !_pending.Contains(r) && _held.ContainsKey(r)).Select(r => _held[r]).ToList();
            _pending.UnionWith(reveal.Select(r => r.Rid));
            return reveal;
        }
    }

    /// <summary>Queues the response, then the events that waited for it.</summary>
    public void CompleteReveal(byte[] response, IReadOnlyList<string> revealed)
    {
        lock (_lock)
        {
            send(response);
            foreach (var rid in revealed)
            {
                _pending.Remove(rid);
                _sent.Add(rid);
            }

            foreach (var (rid, frame) in _eventsWhilePending.Where(e => revealed.Contains(e.Rid)).ToList())
            {
                send(frame);
                _eventsWhilePending.Remove((rid, frame));
            }
        }
    }

    /// <summary>A request failed after it acquired resources: give them back.</summary>
    public void Abandon(IReadOnlyList<string> revealed, IReadOnlyList<CachedResource> acquired)
    {
        lock (_lock)
        {
            foreach (var rid in revealed)
            {
                _pending.Remove(rid);
            }

            _eventsWhilePending.RemoveAll(e => revealed.Contains(e.Rid));
            foreach (var resource in acquired)
            {
                _held.Remove(resource.Rid);
            }
        }

        Release(acquired);
    }

    /// <summary>Counts a direct subscription; false when it would be one more than <paramref name="limit"/> distinct ones.</summary>
    public bool TryAddDirect(string rid, AccessGrant access, int limit)
    {
        lock (_lock)
        {
            if (!_direct.ContainsKey(rid) && _direct.Count >= limit)
            {
                return false;
            }

            _direct[rid] = _direct.GetValueOrDefault(rid) + 1;
            _access[rid] = access;
            return true;
        }
    }

    /// <summary>Takes back <paramref name="count"/> direct subscriptions; false when there are fewer.</summary>
    public bool TryRemoveDirect(string rid, int count)
    {
        lock (_lock)
        {
            if (count < 1 || !_direct.TryGetValue(rid, out var current) || current < count)
            {
                return false;
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
        return true;
    }

    public List<string> DirectMatching(IReadOnlyList<string> patterns)
    {
        lock (_lock)
        {
            return _direct.Keys.Where(rid => patterns.Any(p => SubjectPattern.Matches(p, rid))).ToList();
        }
    }

    /// <summary>Access was checked again and still holds: keep it with the subscription.</summary>
    public void Regrant(string rid, AccessGrant access)
    {
        lock (_lock)
        {
            if (_direct.ContainsKey(rid))
            {
                _access[rid] = access;
            }
        }
    }

    /// <summary>Access is gone: the subscription ends, and the client is told why.</summary>
    public void Revoke(string rid, ResError reason)
    {
        lock (_lock)
        {
            _direct.Remove(rid);
            _access.Remove(rid);
            var frame = new JsonObject { ["event"] = $"{rid}.unsubscribe", ["data"] = new JsonObject { ["reason"] = reason.ToJson() } };
            send(Frames.Of(frame));
        }

        DropUnreachable();
    }

    /// <summary>Lets go of resources no direct subscription reaches any more.</summary>
    public void DropUnreachable()
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

        Release(dropped);
    }

    /// <summary>Drops everything; returns the resource ids the connection held (for the disconnect hint).</summary>
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
            _pending.Clear();
            _eventsWhilePending.Clear();
        }

        Release(held);
        return held.Select(r => r.Rid).ToList();
    }

    private void Release(IEnumerable<CachedResource> resources)
    {
        foreach (var resource in resources)
        {
            resource.StopListening(listener);
            cache.Release(resource);
        }
    }
}
