using System.Diagnostics;

namespace Chat.Bench.Measure;

/// <summary>One monotonic clock for every measurement: <see cref="Stopwatch"/> timestamps.</summary>
public static class Clock
{
    public static long Now => Stopwatch.GetTimestamp();

    public static double Milliseconds(long start, long end) => (end - start) * 1000.0 / Stopwatch.Frequency;

    public static double Seconds(long start, long end) => (end - start) / (double)Stopwatch.Frequency;

    public static long After(long start, double seconds) => start + (long)(seconds * Stopwatch.Frequency);
}
