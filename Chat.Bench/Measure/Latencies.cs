namespace Chat.Bench.Measure;

/// <summary>Latency samples in milliseconds, safe to add from many threads; percentiles by nearest rank.</summary>
public sealed class Latencies
{
    private readonly List<double> _samples = [];
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _samples.Count;
            }
        }
    }

    public void Add(double milliseconds)
    {
        lock (_lock)
        {
            _samples.Add(milliseconds);
        }
    }

    public void AddTicks(long startTimestamp, long endTimestamp) => Add(Clock.Milliseconds(startTimestamp, endTimestamp));

    public LatencySummary Summarize()
    {
        double[] sorted;
        lock (_lock)
        {
            sorted = [.. _samples];
        }

        Array.Sort(sorted);
        return new LatencySummary(sorted.Length, At(sorted, 0.50), At(sorted, 0.95), At(sorted, 0.99), sorted.Length == 0 ? double.NaN : sorted[^1]);
    }

    private static double At(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}

public sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max)
{
    public override string ToString() => $"n={Count:N0} p50={P50:F2} ms p95={P95:F2} ms p99={P99:F2} ms max={Max:F2} ms";
}
