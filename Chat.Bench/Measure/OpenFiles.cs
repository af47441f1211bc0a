namespace Chat.Bench.Measure;

/// <summary>
/// Open-file figures of this process (Linux): every socket is one descriptor, so they bound how many
/// WebSocket connections a process can hold. Zero where <c>/proc</c> is not available.
/// </summary>
public static class OpenFiles
{
    private const string LimitsFile = "/proc/self/limits";
    private const string LimitName = "Max open files";

    /// <summary>The soft limit on open files; children started by this process inherit it.</summary>
    public static long SoftLimit()
    {
        var line = File.Exists(LimitsFile) ? File.ReadLines(LimitsFile).FirstOrDefault(l => l.StartsWith(LimitName, StringComparison.Ordinal)) : null;
        return line is not null && long.TryParse(line[LimitName.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], out var soft) ? soft : 0;
    }

    /// <summary>Descriptors open right now: shows what one process really holds, not what it was asked to.</summary>
    public static int Open() => Directory.Exists("/proc/self/fd") ? Directory.GetFileSystemEntries("/proc/self/fd").Length : 0;
}
