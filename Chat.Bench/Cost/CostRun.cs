using Akka.Actor;
using Chat.Actors.Rooms;
using Chat.Bench.Host;
using Chat.Bench.Measure;
using Chat.Bench.Report;
using Chat.Bench.Res;
using Chat.Bench.Scale;
using Chat.Testing;
using Npgsql;

namespace Chat.Bench.Cost;

/// <summary>
/// <c>Chat.Bench cost</c>: what one message costs. The same load generator, in a process of its own,
/// drives first a minimal in-memory RES service (the ceiling of the RES path here) and then the node
/// (in this process) on a journal and read model seeded with a million events. Around each window it
/// reads the CPU time of the service's process, of all PostgreSQL processes and of nats-server from
/// /proc, and prints it per 1,000 sends beside the throughput. One send alone is broken into the node's
/// own stage timings; a sustained run at the node's maximum rate measures the projection's lag and its
/// catch-up after. Nothing is asserted; the numbers go to <c>cost.md</c>.
/// </summary>
public static class CostRun
{
    private const string Database = "chat_cost";

    public static async Task<int> RunAsync(CostSettings settings, string outputDirectory, CancellationToken cancellation)
    {
        var loadAtStart = MachineDescription.LoadAverage();
        var started = DateTimeOffset.UtcNow;
        await using var postgres = await PostgresServer.StartAsync(PostgresServerOptions.Benchmark);
        await using var nats = await NatsServer.StartAsync();
        var pids = new Pids(postgres.PostmasterPid(), nats.Pid ?? throw new InvalidOperationException("nats-server is not running."));
        Progress.Line($"PostgreSQL on 127.0.0.1:{postgres.Port} (postmaster pid {pids.Postgres}), nats-server on {nats.Url} (pid {pids.Nats})");

        var plan = settings.Plan();
        Progress.Line("1. Baseline: the in-memory RES room service");
        List<Window> baseline;
        await using (var service = ChildProcess.Start("memory-service", [MemoryRoomService.Name, "--nats", nats.Url]))
        {
            await service.ReadAsync<Empty>(MemoryRoomService.ReadyKind, TimeSpan.FromSeconds(60), cancellation);
            baseline = await DriveAsync(nats.Url, settings.Rooms, plan, service.Id, pids, new Hooks(), cancellation);
        }

        await postgres.CreateNamedDatabaseAsync(Database);
        var connectionString = postgres.ConnectionString(Database);
        Progress.Line($"2. Seeding the journal and the read model: 10,000 events, then {settings.Seed:N0}");
        var reads = await SeedAsync(connectionString, nats.Url, settings.Seed, cancellation);

        Progress.Line("3. The node, on the seeded database");
        var nodePlan = plan.Append(new LoadStep(LoadStep.Closed, settings.SustainedInFlight, 2, settings.SustainSeconds)).ToList();
        var lag = new ProjectionLag(connectionString);
        using var stages = new StageTimes();
        IReadOnlyDictionary<string, LatencySummary> alone = new Dictionary<string, LatencySummary>();
        IReadOnlyList<StatementCost> statementsAlone = [];
        IReadOnlyList<StatementCost> statements = [];
        IReadOnlyList<StatementCost> statementsSustained = [];
        WalWritten walAlone = new(0, 0, 0), wal = new(0, 0, 0), walSustained = new(0, 0, 0);
        const int Full = 3;
        IReadOnlyDictionary<int, (string Group, double Milliseconds)> processesAtStart = new Dictionary<int, (string, double)>();
        IReadOnlyList<(string Group, int Processes, double Milliseconds)> processesFull = [], processesSustained = [];
        using var stopLag = new CancellationTokenSource();
        Task sampling = Task.CompletedTask;
        var hooks = new Hooks
        {
            WindowStarted = async i =>
            {
                if (i == 0)
                {
                    stages.Start();
                    await PostgresStatements.ResetAsync(connectionString);
                }
                else if (i == Full)
                {
                    await PostgresStatements.ResetAsync(connectionString);
                    processesAtStart = await PostgresProcesses.SampleAsync(connectionString);
                }
                else if (i == nodePlan.Count - 1)
                {
                    await PostgresStatements.ResetAsync(connectionString);
                    processesAtStart = await PostgresProcesses.SampleAsync(connectionString);
                    sampling = lag.SampleAsync(stopLag.Token);
                }
            },
            WindowEnded = async i =>
            {
                if (i == 0)
                {
                    alone = stages.Stop();
                    statementsAlone = await PostgresStatements.TopAsync(connectionString, 8);
                    walAlone = await PostgresStatements.WalAsync(connectionString);
                }
                else if (i == Full)
                {
                    processesFull = PostgresProcesses.Between(processesAtStart, await PostgresProcesses.SampleAsync(connectionString));
                    statements = await PostgresStatements.TopAsync(connectionString, 8);
                    wal = await PostgresStatements.WalAsync(connectionString);
                }
                else if (i == nodePlan.Count - 1)
                {
                    processesSustained = PostgresProcesses.Between(processesAtStart, await PostgresProcesses.SampleAsync(connectionString));
                    statementsSustained = await PostgresStatements.TopAsync(connectionString, 10);
                    walSustained = await PostgresStatements.WalAsync(connectionString);
                    stopLag.Cancel();
                }
            },
        };

        List<Window> node;
        double catchUp;
        await using (var ready = await ServiceReadiness.ListenAsync(nats.Url, cancellation))
        await using (var bench = await BenchNode.StartAsync(connectionString, nats.Url))
        {
            await ready.WaitAsync(TimeSpan.FromSeconds(60));
            Progress.Line("   node up, RES service ready");
            node = await DriveAsync(nats.Url, settings.Rooms, nodePlan, Environment.ProcessId, pids, hooks, cancellation);
            await sampling;
            catchUp = await lag.CatchUpAsync(TimeSpan.FromSeconds(120), cancellation);
        }

        var machine = await MachineDescription.DescribeAsync(postgres, loadAtStart);
        var report = new CostReport(settings, machine, started, DateTimeOffset.UtcNow, baseline, node, alone, new(statementsAlone, walAlone), new(statements, wal), lag.Lags().Summarize(), catchUp, reads)
        {
            PostgresProcessesFull = processesFull,
            PostgresProcessesSustained = processesSustained,
            PostgresSustained = new(statementsSustained, walSustained),
        };
        Directory.CreateDirectory(outputDirectory);
        var path = Path.Combine(outputDirectory, "cost.md");
        await File.WriteAllTextAsync(path, report.Markdown(), cancellation);
        Console.WriteLine(report.Markdown());
        Progress.Line($"wrote {path}");
        return 0;
    }

    /// <summary>
    /// Fills the journal (and the read model, offset at its end) with real room events through a node
    /// whose projection is off, timing the projection's page query and one history page at 10,000
    /// events and at the full size, so the node measured next starts on a big, caught-up database.
    /// </summary>
    private static async Task<JournalReads> SeedAsync(string connectionString, string natsUrl, long size, CancellationToken cancellation)
    {
        await using var seedNode = await BenchNode.StartAsync(connectionString, natsUrl, new Dictionary<string, string?> { ["Chat:Projection:Enabled"] = "false" });

        // The first room makes the journal plugin create its tables.
        await seedNode.Rooms.Ask<Joined>(
            new JoinRoom(Guid.NewGuid().ToString(), "benchMemberId000000000", "c", new EncryptedPayload(Convert.ToBase64String(new byte[32]), Convert.ToBase64String(new byte[12]))),
            TimeSpan.FromSeconds(30), cancellation);
        await using var database = NpgsqlDataSource.Create(connectionString);
        var seeder = new JournalSeeder(connectionString, seedNode.System.Serialization, 1_000, tagRows: false, readModel: true);
        var figures = new List<(long Events, LatencySummary Page, LatencySummary History)>();
        foreach (var events in new[] { 10_000L, size })
        {
            var start = Clock.Now;
            await seeder.GrowToAsync(events, cancellation);
            var page = await ScaleRun.TimeProjectionPagesAsync(database, seeder.Events, cancellation);
            var history = await ScaleRun.TimeHistoryPagesAsync(seedNode.System, connectionString, seeder, cancellation);
            figures.Add((seeder.Events, page.Summarize(), history.Summarize()));
            Progress.Line($"   {seeder.Events:N0} events (seeded in {Clock.Seconds(start, Clock.Now):F0} s): projection page of 500 {figures[^1].Page}; history page of 200 {figures[^1].History}");
        }

        return new JournalReads(figures[0].Events, figures[0].Page, figures[0].History, figures[1].Events, figures[1].Page, figures[1].History);
    }

    private static async Task<List<Window>> DriveAsync(
        string natsUrl, int rooms, IReadOnlyList<LoadStep> plan, int servicePid, Pids pids, Hooks hooks, CancellationToken cancellation)
    {
        await using var generator = ChildProcess.Start("generator", LoadGenerator.Arguments(natsUrl, rooms, plan));
        var joined = await generator.ReadAsync<RoomsJoined>("joined", TimeSpan.FromMinutes(2), cancellation);
        Progress.Line($"   {joined.Rooms:N0} rooms joined, {joined.Errors} errors{(joined.FirstError is { } e ? $" (first: {e})" : string.Empty)}");
        var windows = new List<Window>();
        for (var i = 0; i < plan.Count; i++)
        {
            var limit = TimeSpan.FromSeconds(plan[i].WarmUpSeconds + plan[i].WindowSeconds + 60);
            await generator.ReadAsync<WindowStarted>("window", limit, cancellation);
            var before = CpuReading.Take(servicePid, pids.Postgres, pids.Nats, generator.Id);
            var gcBefore = GcReading.Take();
            await hooks.WindowStarted(i);
            var result = await generator.ReadAsync<StepResult>("step", limit, cancellation);
            var cpu = CpuReading.Take(servicePid, pids.Postgres, pids.Nats, generator.Id) - before;
            var gc = GcReading.Take() - gcBefore;
            await hooks.WindowEnded(i);
            var window = new Window(plan[i], result, cpu) { ServiceGc = servicePid == Environment.ProcessId ? gc : null };
            windows.Add(window);
            Progress.Line($"   {window}");
        }

        await generator.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return windows;
    }

    private sealed record Pids(int Postgres, int Nats);

    private sealed class Hooks
    {
        public Func<int, Task> WindowStarted { get; init; } = _ => Task.CompletedTask;

        public Func<int, Task> WindowEnded { get; init; } = _ => Task.CompletedTask;
    }

    private sealed record Empty;
}

/// <summary>A step's window: what the generator measured and the CPU each process spent meanwhile.</summary>
public sealed record Window(LoadStep Step, StepResult Result, CpuReading Cpu)
{
    /// <summary>The service's garbage collections in the window, when the service is this process (the node).</summary>
    public GcReading? ServiceGc { get; init; }

    /// <summary>CPU milliseconds per 1,000 sends acknowledged in the window.</summary>
    public CpuReading PerThousand => Result.Sends == 0
        ? new CpuReading(double.NaN, double.NaN, double.NaN, double.NaN)
        : new CpuReading(Cpu.Service * 1000 / Result.Sends, Cpu.Postgres * 1000 / Result.Sends, Cpu.Nats * 1000 / Result.Sends, Cpu.Generator * 1000 / Result.Sends);

    public override string ToString() =>
        $"{Step.Name}: {Result.SendsPerSecond:N0} sends/s, {Result.Latency}, {Result.Errors} errors; CPU ms per 1,000 sends: service {PerThousand.Service:N0}, PostgreSQL {PerThousand.Postgres:N0}, nats-server {PerThousand.Nats:N0}, generator {PerThousand.Generator:N0}{(ServiceGc is { } gc ? $"; GC {gc}" : string.Empty)}";
}

/// <summary>Journal reads timed on the seeded database at two sizes.</summary>
public sealed record JournalReads(long SmallEvents, LatencySummary SmallPage, LatencySummary SmallHistory, long LargeEvents, LatencySummary LargePage, LatencySummary LargeHistory);
