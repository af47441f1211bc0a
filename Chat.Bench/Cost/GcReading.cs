namespace Chat.Bench.Cost;

/// <summary>
/// The garbage collections of this process so far: the node's, when it runs inside the cost run. A pause stops
/// every thread of the node, so its share of a window is latency some sends carry.
/// </summary>
public sealed record GcReading(int Gen0, int Gen1, int Gen2, double PausedMilliseconds)
{
    public static GcReading Take() =>
        new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalMilliseconds);

    public static GcReading operator -(GcReading end, GcReading start) =>
        new(end.Gen0 - start.Gen0, end.Gen1 - start.Gen1, end.Gen2 - start.Gen2, end.PausedMilliseconds - start.PausedMilliseconds);

    /// <summary>Collections of each generation (a gen1 collection collects gen0 too, and is counted in both).</summary>
    public override string ToString() => $"{Gen0:N0} / {Gen1:N0} / {Gen2:N0}, paused {PausedMilliseconds:N0} ms";
}
