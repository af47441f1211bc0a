namespace Chat.Tests.Sharding;

/// <summary>
/// Watches the test process's own thread pool: a continuation due every 5 ms that runs late shows a stall
/// of the load generator. A client that stalls stretches the pauses it measures (its timeouts fire late and
/// its next send leaves late), so the failover tests print the longest stall beside the rooms' pauses.
/// </summary>
internal sealed class ThreadPoolStallMonitor
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    private readonly Task _loop;
    private volatile bool _watching = true;
    private readonly object _gate = new();
    private readonly List<(DateTime At, TimeSpan Late)> _stalls = [];

    public ThreadPoolStallMonitor()
    {
        _loop = Task.Run(WatchAsync);
    }

    /// <summary>The longest stall that began between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public (DateTime At, TimeSpan Length) Longest(DateTime from, DateTime to)
    {
        lock (_gate)
        {
            return _stalls.Where(s => s.At >= from && s.At <= to).DefaultIfEmpty((At: from, Late: TimeSpan.Zero)).MaxBy(s => s.Late);
        }
    }

    public Task StopAsync()
    {
        _watching = false;
        return _loop;
    }

    private async Task WatchAsync()
    {
        var last = DateTime.UtcNow;
        while (_watching)
        {
            await Task.Delay(Tick);
            var now = DateTime.UtcNow;
            if (now - last > TimeSpan.FromMilliseconds(50))
            {
                lock (_gate)
                {
                    _stalls.Add((last, now - last - Tick));
                }
            }

            last = now;
        }
    }
}
