namespace Chat.Bench.Report;

/// <summary>The summary table on the console: every figure beside its baseline and target.</summary>
public static class SummaryTable
{
    public static void Print(BenchResults results)
    {
        var rows = results.Figures.OrderBy(f => f.Scenario, StringComparer.Ordinal).Select(f => new[]
        {
            f.Scenario,
            f.Name,
            $"{Format.Value(f.Value)} {f.Unit}",
            f.Samples.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
            f.BaselineName is null ? string.Empty : $"{f.BaselineName} = {Format.Value(f.BaselineValue ?? double.NaN)}",
            Format.Ratio(f.Ratio),
            f.Target is null ? string.Empty : f.Target + (f.MeetsTarget is { } met ? (met ? " (met)" : " (not met)") : string.Empty),
        }).ToList();
        string[] header = ["scenario", "figure", "value", "n", "baseline (same run)", "ratio", "target"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();

        Console.WriteLine();
        Console.WriteLine($"Summary ({results.Profile.Name} profile, {results.Machine.Cores} cores, load average {results.Machine.LoadAverageAtStart} at start)");
        Console.WriteLine(Line(header, widths));
        Console.WriteLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            Console.WriteLine(Line(row, widths));
        }

        Console.WriteLine();
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i])));
}
