using System.Globalization;

namespace Chat.Bench.Cost;

/// <summary>
/// CPU time of processes from <c>/proc/{pid}/stat</c> (user + system, in clock ticks of 10 ms: Linux's
/// USER_HZ is 100 on every architecture .NET runs on). A process tree counts its live children and,
/// through the parent's <c>cutime</c>/<c>cstime</c>, the children that exited and were waited for, so a
/// PostgreSQL backend that ends inside a window is not lost.
/// </summary>
public static class ProcessCpu
{
    private const double MillisecondsPerTick = 10;

    /// <summary>CPU milliseconds of one process so far; 0 when it is gone.</summary>
    public static double Of(int pid) => Read(pid) is { } stat ? (stat.User + stat.System) * MillisecondsPerTick : 0;

    /// <summary>CPU milliseconds of a process, its live children, and its reaped children.</summary>
    public static double OfTree(int parent)
    {
        if (Read(parent) is not { } root)
        {
            return 0;
        }

        var ticks = root.User + root.System + root.ChildrenUser + root.ChildrenSystem;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Read(pid) is { } stat && stat.Parent == parent)
            {
                ticks += stat.User + stat.System;
            }
        }

        return ticks * MillisecondsPerTick;
    }

    private static Stat? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces: count fields after its end.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return new Stat((int)Field(4), Field(14), Field(15), Field(16), Field(17));
    }

    private readonly record struct Stat(int Parent, long User, long System, long ChildrenUser, long ChildrenSystem);
}

/// <summary>CPU milliseconds of the processes a window is charged to, read at one moment.</summary>
public sealed record CpuReading(double Service, double Postgres, double Nats, double Generator)
{
    public static CpuReading Take(int servicePid, int? postgresPid, int natsPid, int generatorPid) => new(
        ProcessCpu.Of(servicePid),
        postgresPid is { } pg ? ProcessCpu.OfTree(pg) : 0,
        ProcessCpu.Of(natsPid),
        ProcessCpu.Of(generatorPid));

    public static CpuReading operator -(CpuReading end, CpuReading start) => new(
        end.Service - start.Service, end.Postgres - start.Postgres, end.Nats - start.Nats, end.Generator - start.Generator);
}
