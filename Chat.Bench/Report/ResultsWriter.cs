using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chat.Bench.Report;

/// <summary>Writes <c>{profile}.json</c> (every figure and parameter) and <c>{profile}.md</c> (the same, for people).</summary>
public static class ResultsWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task WriteAsync(BenchResults results, string directory)
    {
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, results.Profile.Name + ".json");
        var markdown = Path.Combine(directory, results.Profile.Name + ".md");
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(results, Json) + "\n");
        await File.WriteAllTextAsync(markdown, Markdown(results));
        Progress.Line($"Results written to {json} and {markdown}");
    }

    private static string Markdown(BenchResults r)
    {
        var m = r.Machine;
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"# Benchmark results: {r.Profile.Name} profile");
        md.AppendLine();
        md.AppendLine(c, $"Run {r.StartedAt:yyyy-MM-dd HH:mm} UTC, {(r.EndedAt - r.StartedAt).TotalMinutes:F1} minutes, with:");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(r.Command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine(c, $"**Machine**: {m.Cores} cores ({m.Cpu}), {m.MemoryGiB} GiB memory, {m.Os}; {m.Dotnet}, server GC {(m.ServerGc ? "on" : "off")}; " +
            $"PostgreSQL {m.PostgreSql} (fsync and synchronous_commit on), nats-server {m.NatsServer}. Load average (1/5/15 min) {m.LoadAverageAtStart} at start, {m.LoadAverageAtEnd} at end.");
        md.AppendLine();
        md.AppendLine(c, $"**Read the ratios, not the absolute numbers.** The load generator, the node, PostgreSQL and nats-server share this " +
            $"machine's {m.Cores} cores with whatever else runs on it (see the load average above), so " +
            $"absolute figures are noisy lower bounds. Each figure is divided by a baseline measured in the same run on the same " +
            $"PostgreSQL and nats-server, so that the ratio holds when the machine is busier or idler. Targets are reported, never asserted.");
        md.AppendLine();
        md.AppendLine("**How it was measured.** Scenario 1 runs first, before the node starts, on the same servers. Throughputs are closed loops " +
            "(a fixed number of requests outstanding), counted over a timed window after an untimed warm-up; their latencies are queueing depth. " +
            "Latency percentiles come from open-loop schedules and count from the moment a send was due, so a stall is not hidden. " +
            "n is the number of samples (operations, rows, messages or deliveries) behind each figure. The load generator and the node " +
            "share one process; the WebSocket clients run in a second process, so memory per connection counts the node's end only.");
        md.AppendLine();
        md.AppendLine("| scenario | figure | value | n | baseline (same run) | ratio | target | note |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var f in r.Figures.OrderBy(f => f.Scenario, StringComparer.Ordinal))
        {
            var baseline = f.BaselineName is null ? string.Empty : $"{f.BaselineName} = {Format.Value(f.BaselineValue ?? double.NaN)}";
            var target = f.Target is null ? string.Empty : f.Target + (f.MeetsTarget is { } met ? (met ? " (met)" : " (**not met**)") : string.Empty);
            md.AppendLine(c, $"| {f.Scenario} | {f.Name} | {Format.Value(f.Value)} {f.Unit} | {f.Samples:N0} | {baseline} | {Format.Ratio(f.Ratio)} | {target} | {f.Note} |");
        }

        md.AppendLine();
        md.AppendLine("## Parameters");
        foreach (var p in r.Parameters)
        {
            md.AppendLine();
            md.AppendLine(c, $"**{p.Scenario}**");
            md.AppendLine();
            foreach (var (key, value) in p.Values)
            {
                md.AppendLine(c, $"- {key}: {value}");
            }
        }

        return md.ToString();
    }
}
