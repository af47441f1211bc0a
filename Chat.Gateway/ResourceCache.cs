using System.Text.Json.Nodes;

namespace Chat.Gateway;

/// <summary>
/// One cache of resources per gateway, shared by all connections, as in Resgate: a resource is
/// fetched once, kept current by its events, and dropped a while after the last connection stops
/// holding it.
/// </summary>
public sealed class ResourceCache(ServiceRequester requester, TimeSpan unsubscribeDelay) : IAsyncDisposable
{
    private readonly Dictionary<string, CachedResource> _resources = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>
    /// The loaded resource, held for the caller until <see cref="Release"/>; or the service's error
    /// (nothing is held then, and nothing stays cached). A caller that gives up waiting gives its
    /// hold back; the load itself goes on for whoever else waits.
    /// </summary>
    public async Task<(CachedResource? Resource, ResError? Error)> AcquireAsync(string rid, CancellationToken cancellationToken)
    {
        CachedResource resource;
        lock (_lock)
        {
            if (!_resources.TryGetValue(rid, out resource!))
            {
                resource = new CachedResource(rid, requester);
                _resources[rid] = resource;
            }

            resource.Users++;
        }

        ResError? error;
        try
        {
            error = await resource.LoadAsync().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Release(resource);
            throw;
        }

        if (error is null)
        {
            return (resource, null);
        }

        await ForgetFailedAsync(resource);
        Release(resource, immediately: true);
        return (null, error);
    }

    /// <summary>Every waiter of a failed load gets its error; the entry goes at once so the next caller loads anew.</summary>
    private async Task ForgetFailedAsync(CachedResource resource)
    {
        lock (_lock)
        {
            if (!_resources.TryGetValue(resource.Rid, out var current) || !ReferenceEquals(current, resource))
            {
                return;
            }

            _resources.Remove(resource.Rid);
        }

        await resource.DisposeAsync();
    }

    /// <summary>Resources cached now (held or waiting for their unsubscribe delay).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _resources.Count;
            }
        }
    }

    /// <summary>Callers holding or waiting for <paramref name="rid"/>; 0 when it is not cached.</summary>
    internal int HoldersOf(string rid)
    {
        lock (_lock)
        {
            return _resources.TryGetValue(rid, out var resource) ? resource.Users : 0;
        }
    }

    /// <summary>Whether <paramref name="rid"/> is cached and has lost held events to its bound (tests: a flood during a get).</summary>
    internal bool HeldEventsOverflowed(string rid)
    {
        lock (_lock)
        {
            return _resources.TryGetValue(rid, out var resource) && resource.HeldEventsOverflowed;
        }
    }

    public void Release(CachedResource resource, bool immediately = false)
    {
        lock (_lock)
        {
            resource.Users--;
            if (resource.Users > 0)
            {
                return;
            }
        }

        if (immediately || unsubscribeDelay == TimeSpan.Zero)
        {
            _ = EvictIfUnusedAsync(resource);
        }
        else
        {
            _ = Task.Delay(unsubscribeDelay).ContinueWith(_ => EvictIfUnusedAsync(resource), TaskScheduler.Default).Unwrap();
        }
    }

    /// <summary><c>system.reset</c>: re-fetch every cached resource a pattern matches; differences become events.</summary>
    public async Task ResetAsync(IReadOnlyList<string> patterns, CancellationToken cancellationToken)
    {
        List<CachedResource> matching;
        lock (_lock)
        {
            matching = _resources.Values.Where(r => patterns.Any(p => SubjectPattern.Matches(p, r.Rid))).ToList();
        }

        await Task.WhenAll(matching.Select(r => r.RefreshAsync(cancellationToken)));
    }

    private async Task EvictIfUnusedAsync(CachedResource resource)
    {
        lock (_lock)
        {
            if (resource.Users > 0 || !_resources.TryGetValue(resource.Rid, out var current) || !ReferenceEquals(current, resource))
            {
                return;
            }

            _resources.Remove(resource.Rid);
        }

        await resource.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        List<CachedResource> all;
        lock (_lock)
        {
            all = [.. _resources.Values];
            _resources.Clear();
        }

        foreach (var resource in all)
        {
            await resource.DisposeAsync();
        }
    }
}

/// <summary>NATS subject wildcards as <c>system.reset</c> uses them: <c>*</c> one token, <c>&gt;</c> the rest.</summary>
public static class SubjectPattern
{
    public static bool Matches(string pattern, string subject)
    {
        var p = pattern.Split('.');
        var s = subject.Split('.');
        for (var i = 0; i < p.Length; i++)
        {
            if (p[i] == ">")
            {
                return s.Length > i;
            }

            if (i >= s.Length || (p[i] != "*" && p[i] != s[i]))
            {
                return false;
            }
        }

        return p.Length == s.Length;
    }
}
