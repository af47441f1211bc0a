using System.Globalization;
using System.Text;
using Chat.Bench.Measure;
using Chat.Bench.Report;

namespace Chat.Bench.Cost;

/// <summary>A cost run's figures as <c>docs/benchmarks/cost.md</c>: every window, one send's stages, the projection, and the targets.</summary>
public sealed record CostReport(
    CostSettings Settings,
    MachineDescription Machine,
    DateTimeOffset Started,
    DateTimeOffset Ended,
    IReadOnlyList<Window> Baseline,
    IReadOnlyList<Window> Node,
    IReadOnlyDictionary<string, LatencySummary> Stages,
    PostgresWindow PostgresAlone,
    PostgresWindow PostgresFull,
    LatencySummary Lag,
    double CatchUpSeconds,
    JournalReads Reads)
{
    /// <summary>PostgreSQL's CPU by server process group over the full closed-loop window and the sustained run.</summary>
    public IReadOnlyList<(string Group, int Processes, double Milliseconds)> PostgresProcessesFull { get; init; } = [];

    public IReadOnlyList<(string Group, int Processes, double Milliseconds)> PostgresProcessesSustained { get; init; } = [];

    /// <summary>Statements and write-ahead log over the sustained run, which costs PostgreSQL more per send than the short window.</summary>
    public PostgresWindow PostgresSustained { get; init; } = new([], new(0, 0, 0));

    public string Markdown()
    {
        var t = new StringBuilder();
        void Line(FormattableString text) => t.AppendLine(text.ToString(CultureInfo.InvariantCulture));
        void StatementTable(Window window, PostgresWindow postgres)
        {
            var (statements, wal) = postgres;
            var sends = (double)Math.Max(1, window.Result.Sends);
            var perThousand = 1000 / sends;
            Line($"Node, {window.Step.Name}, {window.Result.Sends:N0} sends; write-ahead log per send: {wal.Records / sends:N1} records, {wal.FullPageImages / sends:N2} full-page images, {wal.Bytes / sends:N0} bytes:");
            t.AppendLine();
            t.AppendLine("| calls | plan + execution ms | ms per 1,000 sends (plan) | rows | statement |");
            t.AppendLine("|---|---|---|---|---|");
            foreach (var s in statements)
            {
                Line($"| {s.Calls:N0} | {s.TotalMilliseconds:N0} | {s.TotalMilliseconds * perThousand:N1} ({s.PlanMilliseconds * perThousand:N1}) | {s.Rows:N0} | `{s.Query.Replace("|", "\\|", StringComparison.Ordinal)}` |");
            }

            t.AppendLine();
        }

        void ProcessTable(Window full, Window sustained)
        {
            Line($"PostgreSQL's CPU by server process, from `/proc` for every process `pg_stat_activity` lists at the window's start and end: client sessions by the name their pool gives them, the server's own processes by type. In ms per 1,000 sends, {full.Step.Name} ({full.Result.Sends:N0} sends) and the sustained run ({sustained.Result.Sends:N0} sends):");
            t.AppendLine();
            t.AppendLine("| process | " + full.Step.Name + " | sustained |");
            t.AppendLine("|---|---|---|");
            double PerThousand(IReadOnlyList<(string Group, int Processes, double Milliseconds)> groups, string group, Window window) =>
                groups.Where(g => g.Group == group).Sum(g => g.Milliseconds) * 1000 / Math.Max(1, window.Result.Sends);
            foreach (var group in PostgresProcessesFull.Concat(PostgresProcessesSustained).Select(g => g.Group).Distinct())
            {
                Line($"| {group} | {PerThousand(PostgresProcessesFull, group, full):N1} | {PerThousand(PostgresProcessesSustained, group, sustained):N1} |");
            }

            double Rest(IReadOnlyList<(string Group, int Processes, double Milliseconds)> groups, Window window) =>
                window.PerThousand.Postgres - (groups.Sum(g => g.Milliseconds) * 1000 / Math.Max(1, window.Result.Sends));
            Line($"| processes that began and ended inside the window (autovacuum workers, short sessions) and the postmaster | {Rest(PostgresProcessesFull, full):N1} | {Rest(PostgresProcessesSustained, sustained):N1} |");
            Line($"| **all of PostgreSQL** | **{full.PerThousand.Postgres:N1}** | **{sustained.PerThousand.Postgres:N1}** |");
            t.AppendLine();
        }

        t.AppendLine("# What one message costs");
        t.AppendLine();
        Line($"Run {Started:yyyy-MM-dd HH:mm} UTC, {(Ended - Started).TotalMinutes:F1} minutes, with `./scripts/bench.sh cost`.");
        t.AppendLine();
        Line($"**Machine**: {Machine.Cores} cores ({Machine.Cpu}), {Machine.MemoryGiB} GiB, {Machine.Os}; {Machine.Dotnet}, server GC {(Machine.ServerGc ? "on" : "off")}; {Machine.PostgreSql} (fsync and synchronous_commit on), nats-server {Machine.NatsServer}. Load average {Machine.LoadAverageAtStart} at start, {Machine.LoadAverageAtEnd} at the end.");
        t.AppendLine();
        Line($"**How it was measured.** A load generator in a process of its own plays Resgate over NATS: {Settings.Rooms:N0} rooms with one member each, `call.room.{{id}}.messages.send` with real 272-byte envelopes and the token an unlock gives. It drives first a minimal in-memory RES room service (`Chat.Bench memory-service`, its own process: token check, parse, a seq per room, one `messages.add` event, the reply; no persistence), then the node (the benchmark's process, composed as `Chat.Web` composes it, projection on, per-member rate limits lifted) on a database seeded with {Reads.LargeEvents:N0} journal events and their read-model rows. Closed loops keep N sends outstanding; the open loop offers a fixed rate and times each send from its due time to its `messages.add` event (its messages sealed before it starts, sent by a thread of its own; how late each left is shown in brackets, and is part of the latency). Each window is {Settings.WindowSeconds:N0} s after a 2 s warm-up; the first after {Settings.FirstWarmUpSeconds:N0} s, because a freshly started process spends its first seconds compiling its hot code again, optimized (a fresh node's JIT thread took half of its CPU in a first window 2 s after start). CPU is user + system time from `/proc/<pid>/stat` read at the window's start and end: the service's process (the node or the in-memory service), PostgreSQL (the postmaster and all its children, exited ones included) and nats-server, divided by the sends acknowledged in the window. The node's process also hosts the benchmark's light bookkeeping (reading counters; during the sustained run, a 100 ms lag probe).");
        t.AppendLine();

        t.AppendLine("## Every window");
        t.AppendLine();
        t.AppendLine("| service | load | sends/s | latency p50 / p99 | errors | CPU ms per 1,000 sends: service / PostgreSQL / nats-server | generator |");
        t.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (label, windows) in new[] { ("in-memory RES service", Baseline), ("node", Node) })
        {
            foreach (var w in windows)
            {
                var c = w.PerThousand;
                var what = w == Node[^1] && windows == Node ? $"{w.Step.Name}, sustained {w.Step.WindowSeconds:N0} s" : w.Step.Name;
                var latency = w.Step.Kind == LoadStep.Open ? "to add event " : string.Empty;
                var late = w.Result.SenderLateness is { } l ? $" (sent {l.P50:F2} / {l.P99:F2} ms late)" : string.Empty;
                Line($"| {label} | {what} | {w.Result.SendsPerSecond:N0} | {latency}{w.Result.Latency.P50:F2} / {w.Result.Latency.P99:F2} ms{late} | {w.Result.Errors + w.Result.EventsMissing} | {c.Service:N0} / {c.Postgres:N0} / {c.Nats:N0} | {c.Generator:N0} |");
            }
        }

        t.AppendLine();
        Line($"The node's garbage collections in each window (it runs in the benchmark's process; {(Machine.ServerGc ? "server" : "workstation")} GC): collections of generation 0 / 1 / 2, and the time its threads stood still for them.");
        t.AppendLine();
        t.AppendLine("| load | collections 0 / 1 / 2 | paused | share of the window |");
        t.AppendLine("|---|---|---|---|");
        foreach (var w in Node.Where(w => w.ServiceGc is not null))
        {
            var gc = w.ServiceGc!;
            Line($"| {w.Step.Name} | {gc.Gen0:N0} / {gc.Gen1:N0} / {gc.Gen2:N0} | {gc.PausedMilliseconds:N0} ms | {gc.PausedMilliseconds / (w.Step.WindowSeconds * 10):F2} % |");
        }

        t.AppendLine();
        t.AppendLine("## One send alone, stage by stage (node, 1 in flight)");
        t.AppendLine();
        t.AppendLine("| stage | p50 | p99 | measured by |");
        t.AppendLine("|---|---|---|---|");
        var total = Node[0].Result.Latency;
        var command = Stage("chat.room.command.duration");
        var journal = Stage("chat.room.journal.duration");
        var outbox = Stage("chat.res.outbox.delay");
        var ceiling = Baseline[0].Result.Latency;
        Line($"| request to reply, as the generator sees it | {total.P50:F2} ms | {total.P99:F2} ms | generator |");
        Line($"| room: command taken to events and reply handed to the outbox | {command.P50:F2} ms | {command.P99:F2} ms | node (`chat.room.command.duration`) |");
        Line($"| of which the journal write (handed to the journal until durable) | {journal.P50:F2} ms | {journal.P99:F2} ms | node (`chat.room.journal.duration`) |");
        Line($"| outbox: queued until NATS took it (event and reply) | {outbox.P50:F2} ms | {outbox.P99:F2} ms | node (`chat.res.outbox.delay`) |");
        Line($"| the rest: NATS both ways, parsing, token check, shard region, mailbox (p50 difference) | {total.P50 - command.P50 - outbox.P50:F2} ms | | difference |");
        Line($"| the same request to the in-memory service (NATS both ways and the least service) | {ceiling.P50:F2} ms | {ceiling.P99:F2} ms | generator |");
        t.AppendLine();

        t.AppendLine("## Where PostgreSQL's time goes");
        t.AppendLine();
        t.AppendLine("From pg_stat_statements over three windows of the node: planning and execution time per statement (parsing and the WAL flush of each commit are in neither).");
        t.AppendLine();
        StatementTable(Node[0], PostgresAlone);
        StatementTable(Node[3], PostgresFull);
        StatementTable(Node[^1], PostgresSustained);
        ProcessTable(Node[3], Node[^1]);

        t.AppendLine("## The projection under the node's maximum rate");
        t.AppendLine();
        var sustained = Node[^1];
        Line($"During the {sustained.Step.WindowSeconds:N0} s sustained run ({sustained.Result.SendsPerSecond:N0} sends/s, {sustained.Step.Level} in flight), the read model's lag behind the journal, sampled every 100 ms from outside the node (each sample an upper bound, to within 100 ms): p50 {Lag.P50:F2} s, p99 {Lag.P99:F2} s, max {Lag.Max:F2} s over {Lag.Count:N0} samples. After the load stopped it reached the journal's end in {CatchUp()}.");
        t.AppendLine();
        Line($"Journal reads on the seeded database: the projection's page of 500 p50 {Reads.SmallPage.P50:F2} ms at {Reads.SmallEvents:N0} events and {Reads.LargePage.P50:F2} ms at {Reads.LargeEvents:N0}; one history page of 200 p50 {Reads.SmallHistory.P50:F2} ms and {Reads.LargeHistory.P50:F2} ms (p99 {Reads.LargeHistory.P99:F2} ms).");
        t.AppendLine();

        t.AppendLine("## Targets");
        t.AppendLine();
        t.AppendLine("| figure | measured | target | met |");
        t.AppendLine("|---|---|---|---|");
        var full = Node[3];
        var fullBaseline = Baseline[3];
        var open = Node[4];
        Target($"projection page query at {Reads.LargeEvents:N0} events vs at {Reads.SmallEvents:N0}", Reads.LargePage.P50 / Reads.SmallPage.P50, "{0:F2}×", "within 2×", v => v <= 2);
        Target($"one history page of 200 at {Reads.LargeEvents:N0} events, p50", Reads.LargeHistory.P50, "{0:F2} ms", "≤ 20 ms", v => v <= 20);
        Target($"projection lag during {sustained.Step.WindowSeconds:N0} s at max rate, p99", Lag.P99, "{0:F2} s", "≤ 2 s", v => v <= 2);
        Target("caught up after the load stopped", CatchUpSeconds, "{0:F2} s", "≤ 5 s", v => v <= 5);
        Target($"PostgreSQL CPU per 1,000 sends ({full.Step.Name})", full.PerThousand.Postgres, "{0:N0} ms", "≤ 100 ms", v => v <= 100);
        Target($"node CPU per 1,000 sends ({full.Step.Name})", full.PerThousand.Service, "{0:N0} ms", "≤ 150 ms", v => v <= 150);
        Target($"sustained sends/s ÷ in-memory RES service ({full.Step.Name}: {full.Result.SendsPerSecond:N0} ÷ {fullBaseline.Result.SendsPerSecond:N0})",
            full.Result.SendsPerSecond / fullBaseline.Result.SendsPerSecond, "{0:F2}", "≥ 0.35", v => v >= 0.35);
        Target($"the same over the {sustained.Step.WindowSeconds:N0} s sustained run ({sustained.Result.SendsPerSecond:N0} ÷ {fullBaseline.Result.SendsPerSecond:N0})",
            sustained.Result.SendsPerSecond / fullBaseline.Result.SendsPerSecond, "{0:F2}", "≥ 0.35", v => v >= 0.35);
        Target("one send alone, p50", total.P50, "{0:F2} ms", "≤ 2 ms", v => v <= 2);
        Target($"request → add event p99 at {open.Step.Level:N0} sends/s (achieved {open.Result.SendsPerSecond:N0}/s)", open.Result.Latency.P99, "{0:F2} ms", "≤ 10 ms", v => v <= 10);
        return t.ToString();

        void Target(string figure, double value, string format, string target, Func<double, bool> met) =>
            Line($"| {figure} | {string.Format(CultureInfo.InvariantCulture, format, value)} | {target} | {(met(value) ? "met" : "**not met**")} |");
    }

    private LatencySummary Stage(string name) =>
        Stages.TryGetValue(name, out var summary) ? summary : new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN);

    private string CatchUp() => double.IsPositiveInfinity(CatchUpSeconds) ? "more than 120 s (it had not caught up)" : $"{CatchUpSeconds:F2} s";
}

/// <summary>PostgreSQL over one window: its costliest statements and the write-ahead log it wrote.</summary>
public sealed record PostgresWindow(IReadOnlyList<StatementCost> Statements, WalWritten Wal);
