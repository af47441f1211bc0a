namespace Chat.Bench.Measure;

/// <summary>What a closed loop did inside its timed window.</summary>
public sealed record ClosedLoopResult(double UnitsPerSecond, long Units, long Operations, LatencySummary Latency);

/// <summary>
/// K workers each start an operation, wait for it and start the next, so exactly K are outstanding.
/// The first <c>warmUp</c> is not counted; then units and latencies of operations that complete
/// inside the window are. Latency under a closed loop is queueing depth (Little's law), not the time
/// one operation takes: the open-loop scenarios measure that.
/// </summary>
public static class ClosedLoop
{
    public static async Task<ClosedLoopResult> RunAsync(
        int workers, TimeSpan warmUp, TimeSpan window, Func<int, Task<int>> operation, CancellationToken cancellationToken)
    {
        var windowStart = Clock.After(Clock.Now, warmUp.TotalSeconds);
        var windowEnd = Clock.After(windowStart, window.TotalSeconds);
        long units = 0;
        long operations = 0;
        var latencies = new Latencies();

        async Task Worker(int index)
        {
            while (Clock.Now < windowEnd)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var started = Clock.Now;
                var done = await operation(index);
                var ended = Clock.Now;
                if (ended >= windowStart && ended <= windowEnd)
                {
                    Interlocked.Add(ref units, done);
                    Interlocked.Increment(ref operations);
                    latencies.AddTicks(started, ended);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(i => Task.Run(() => Worker(i), cancellationToken)));
        return new ClosedLoopResult(units / window.TotalSeconds, units, operations, latencies.Summarize());
    }
}
