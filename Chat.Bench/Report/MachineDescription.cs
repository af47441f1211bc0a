using System.Runtime;
using System.Runtime.InteropServices;
using Chat.Bench.Host;
using Chat.Bench.Scenarios;
using Chat.Testing;

namespace Chat.Bench.Report;

/// <summary>The machine and software a run measured, so a reader can tell which numbers they may compare.</summary>
public sealed record MachineDescription(
    int Cores,
    string Cpu,
    double MemoryGiB,
    string Os,
    string Dotnet,
    bool ServerGc,
    string PostgreSql,
    string NatsServer,
    string LoadAverageAtStart,
    string LoadAverageAtEnd)
{
    public static async Task<MachineDescription> DescribeAsync(PostgresServer postgres, string loadAtStart) => new(
        Environment.ProcessorCount,
        ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Math.Round(MemoryKiB() / 1024.0 / 1024.0, 1),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        GCSettings.IsServerGC,
        await postgres.VersionAsync(),
        NatsBaseline.ServerVersion,
        loadAtStart,
        LoadAverage());

    /// <summary>1, 5 and 15 minute load averages: other work on the machine shows up here.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static long MemoryKiB()
    {
        var total = ProcField("/proc/meminfo", "MemTotal");
        return total is not null && long.TryParse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], out var kib)
            ? kib
            : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024;
    }

    private static string? ProcField(string file, string name)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        return File.ReadLines(file)
            .Where(line => line.StartsWith(name, StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())
            .FirstOrDefault();
    }
}
