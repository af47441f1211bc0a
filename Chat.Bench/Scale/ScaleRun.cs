using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Chat.Actors.Persistence;
using Chat.Actors.ReadModel;
using Chat.Actors.Rooms;
using Chat.Bench.Host;
using Chat.Bench.Measure;
using Chat.Bench.Report;
using Chat.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Chat.Bench.Scale;

/// <summary>
/// <c>Chat.Bench scale</c>: what reading the journal costs at ten thousand and at a million events. The
/// journal is seeded with real room events (COPY, with the tag rows the journal wrote before events went untagged), and at each size
/// the run times the projection's page query, the read journal's by-tag page it replaced, one history page
/// of 200, and the projection's catch-up over the newest events (read and written, on PostgreSQL with its
/// durable defaults). Nothing here is asserted; the numbers go to <c>scale.md</c>.
/// </summary>
public static class ScaleRun
{
    private const string Database = "chat_scale";
    private const int Rooms = 1_000;
    private const int PageSize = 500;
    private const int CatchUpEvents = 50_000;

    // Rooms already recovered by an earlier size: each size recovers rooms it has not started before.
    private static int _recovered;

    public static async Task<int> RunAsync(long largest, string outputDirectory, CancellationToken cancellationToken)
    {
        var loadAtStart = MachineDescription.LoadAverage();
        await using var postgres = await PostgresServer.StartAsync(PostgresServerOptions.Benchmark);
        await using var nats = await NatsServer.StartAsync();
        await postgres.CreateNamedDatabaseAsync(Database);
        var connectionString = postgres.ConnectionString(Database);
        await using var node = await BenchNode.StartAsync(connectionString, nats.Url, new Dictionary<string, string?> { ["Chat:Projection:Enabled"] = "false" });

        // The first room makes the journal plugin create its tables.
        await node.Rooms.Ask<Joined>(new JoinRoom(Guid.NewGuid().ToString(), "benchMemberId000000000", "c", new EncryptedPayload(Convert.ToBase64String(new byte[32]), Convert.ToBase64String(new byte[12]))), TimeSpan.FromSeconds(30), cancellationToken);

        var seeder = new JournalSeeder(connectionString, node.System.Serialization, Rooms);
        var rows = new List<ScaleFigures>();
        foreach (var size in new[] { 10_000L, largest })
        {
            var seeding = Clock.Now;
            await seeder.GrowToAsync(size, cancellationToken);
            Progress.Line($"journal at {seeder.Events:N0} events (seeded in {Clock.Seconds(seeding, Clock.Now):F1} s)");
            rows.Add(await MeasureAsync(node.System, node.Rooms, connectionString, seeder, cancellationToken));
            Progress.Line(rows[^1].ToString());
        }

        var machine = await MachineDescription.DescribeAsync(postgres, loadAtStart);
        Directory.CreateDirectory(outputDirectory);
        var path = Path.Combine(outputDirectory, "scale.md");
        await File.WriteAllTextAsync(path, Markdown(rows, machine), cancellationToken);
        Progress.Line($"wrote {path}");
        return 0;
    }

    private static async Task<ScaleFigures> MeasureAsync(
        ActorSystem system, IActorRef rooms, string connectionString, JournalSeeder seeder, CancellationToken cancellationToken)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        var events = seeder.Events;

        var page = await TimeProjectionPagesAsync(database, events, cancellationToken);

        // The read journal's by-tag page it replaced (what the projection used before), 3 times.
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(PersistenceHocon.ReadJournalId);
        var byTag = new Latencies();
        for (var i = 0; i < 3; i++)
        {
            var start = Clock.Now;
            await journal.CurrentEventsByTag("room", Offset.Sequence(events / 2)).Take(PageSize).RunWith(Sink.Ignore<EventEnvelope>(), system.Materializer());
            byTag.AddTicks(start, Clock.Now);
        }

        var historyPages = await TimeHistoryPagesAsync(system, connectionString, seeder, cancellationToken);

        // Rooms recovering from the journal (no snapshot: every event of the room replayed), as after a
        // failover or a passivation: 10 rooms not started yet, one at a time, through the room's own recovery.
        var recovery = new Latencies();
        foreach (var room in seeder.RoomIds.Skip(_recovered).Take(10))
        {
            var start = Clock.Now;
            await rooms.Ask<RoomModel>(new GetRoom(room), TimeSpan.FromMinutes(5), cancellationToken);
            recovery.AddTicks(start, Clock.Now);
        }

        _recovered += 10;

        // The projection catching up over the newest events: read, fold and write, page by page.
        var catchUp = Math.Min(CatchUpEvents, events - 1);
        await SetOffsetAsync(database, events - catchUp, cancellationToken);
        var options = new ProjectionOptions { BatchSize = PageSize, BatchWindow = TimeSpan.FromMilliseconds(1) };
        var started = Clock.Now;
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            await foreach (var written in JournalTail.FollowAsync(database, "akka", system.Serialization, options, TimeProvider.System, NullLogger.Instance, stop.Token))
            {
                await ReadModelWriter.WriteAsync(database, written.Events, written.LastOrdering, stop.Token);
                if (written.LastOrdering >= events)
                {
                    break;
                }
            }
        }

        var rate = catchUp / Clock.Seconds(started, Clock.Now);
        return new ScaleFigures(events, page.Summarize(), byTag.Summarize(), historyPages.Summarize(), recovery.Summarize(), (double)events / seeder.RoomIds.Count, catchUp, rate);
    }

    private static async Task SetOffsetAsync(NpgsqlDataSource database, long ordering, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(
            "INSERT INTO projection_offsets (projection, ordering, updated_at) VALUES (@name, @ordering, CURRENT_TIMESTAMP) " +
            "ON CONFLICT (projection) DO UPDATE SET ordering = EXCLUDED.ordering");
        command.Parameters.AddWithValue("name", ReadModelWriter.ProjectionName);
        command.Parameters.AddWithValue("ordering", ordering);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The projection's page query (500 rows) at the middle of the journal, 50 times.</summary>
    public static async Task<Latencies> TimeProjectionPagesAsync(NpgsqlDataSource database, long events, CancellationToken cancellationToken)
    {
        var page = new Latencies();
        for (var i = 0; i < 50; i++)
        {
            var start = Clock.Now;
            var read = await JournalPages.ReadAfterAsync(database, "akka", events / 2, PageSize, cancellationToken);
            page.AddTicks(start, Clock.Now);
            if (read.Count != PageSize)
            {
                throw new InvalidOperationException($"A page held {read.Count} rows.");
            }
        }

        return page;
    }

    /// <summary>One history page of 200 from the middle of a room's messages, 50 times over different rooms.</summary>
    public static async Task<Latencies> TimeHistoryPagesAsync(ActorSystem system, string connectionString, JournalSeeder seeder, CancellationToken cancellationToken)
    {
        var history = new JournalRoomHistory(system, connectionString, "akka");
        var historyPages = new Latencies();
        for (var i = 0; i < 50; i++)
        {
            var room = i % seeder.RoomIds.Count;
            var last = seeder.MessagesOf(room);
            var from = Math.Max(1, (last / 2) - 100);
            var start = Clock.Now;
            await history.ReadAsync(seeder.RoomIds[room], new SeqRange(from, Math.Min(last, from + 199)), cancellationToken);
            historyPages.AddTicks(start, Clock.Now);
        }

        return historyPages;
    }

    private static string Markdown(IReadOnlyList<ScaleFigures> rows, MachineDescription machine)
    {
        var text = new StringBuilder();
        text.AppendLine("# Reading the journal at scale");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"`dotnet run -c Release --project Chat.Bench -- scale`: {machine.Cores} cores ({machine.Cpu}), {machine.MemoryGiB} GiB, {machine.Os}, {machine.Dotnet}, {machine.PostgreSql}; load average {machine.LoadAverageAtStart} at start, {machine.LoadAverageAtEnd} at the end.");
        text.AppendLine("PostgreSQL with its durable defaults; the journal seeded with real room events over 1,000 rooms, one tag row each.");
        text.AppendLine();
        text.AppendLine("| journal events | projection page of 500 (p50 / p99) | read journal by-tag page of 500 (p50 / max) | history page of 200 (p50 / p99) | room recovery without snapshot (p50 / max) | projection catch-up |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Events:N0} | {row.Page.P50:F2} / {row.Page.P99:F2} ms | {row.ByTag.P50:F0} / {row.ByTag.Max:F0} ms | {row.History.P50:F2} / {row.History.P99:F2} ms | {row.Recovery.P50:F0} / {row.Recovery.Max:F0} ms for {row.EventsPerRoom:N0} events | {row.CatchUpRate:N0} events/s over the newest {row.CatchUpEvents:N0} |");
        }

        return text.ToString();
    }
}

public sealed record ScaleFigures(
    long Events, LatencySummary Page, LatencySummary ByTag, LatencySummary History, LatencySummary Recovery, double EventsPerRoom, long CatchUpEvents, double CatchUpRate)
{
    public override string ToString() =>
        $"{Events:N0} events: projection page {Page}; by-tag page {ByTag}; history page {History}; recovery of a room of {EventsPerRoom:N0} events {Recovery}; catch-up {CatchUpRate:N0} events/s";
}
