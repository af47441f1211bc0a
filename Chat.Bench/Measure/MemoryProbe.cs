namespace Chat.Bench.Measure;

/// <summary>
/// Managed heap and working set after a full, blocking, compacting collection, so that a delta over
/// N rooms or N connections counts what they keep alive rather than garbage not yet collected.
/// </summary>
public sealed record MemorySample(long HeapBytes, long WorkingSetBytes)
{
    public static MemorySample Take()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return new MemorySample(GC.GetTotalMemory(forceFullCollection: false), self.WorkingSet64);
    }
}
