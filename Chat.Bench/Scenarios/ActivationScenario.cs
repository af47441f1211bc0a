using Akka.Actor;
using Chat.Actors.Hosting;
using Chat.Actors.Rooms;
using Chat.Bench.Measure;
using Chat.Bench.Report;
using Chat.Bench.Res;
using Chat.Client.Envelope;
using Npgsql;

namespace Chat.Bench.Scenarios;

/// <summary>
/// Scenario 4: what waking rooms costs. Cold joins (the first request a never-seen room gets) beside
/// warm joins; recovery of a long room with and without its snapshot beside a raw read of the same
/// journal rows; memory per active room.
/// </summary>
public static class ActivationScenario
{
    public static async Task RunAsync(BenchContext context)
    {
        var p = context.Profile;
        context.Announce("4. Room activation and recovery",
            ("cold join", $"{p.ColdJoins:N0} first joins of never-seen rooms, one at a time over NATS (after 20 untimed); warm join: a second member joins each of them"),
            ("recovery", $"one room with {p.RecoveryEvents:N0} sent messages (snapshot every {new RoomOptions().SnapshotEvery} events, the default); the room actor is stopped, then a get over NATS wakes it: time to the reply; {p.RecoveryRepeats} times with its snapshot, then {p.RecoveryRepeats} times after its snapshots are deleted"),
            ("recovery baseline", "SELECT * of the room's journal rows in order on one connection, same number of times"),
            ("memory", $"{p.MemoryRooms:N0} new rooms with one member each; managed heap and working set after a full GC, before and after"));

        await ColdJoinsAsync(context);
        await RecoveryAsync(context);
        await MemoryPerRoomAsync(context);
    }

    private static async Task ColdJoinsAsync(BenchContext context)
    {
        var gateway = context.RequireGateway;
        var cold = new Latencies();
        var warm = new Latencies();
        var errors = 0;
        for (var i = 0; i < context.Profile.ColdJoins + 20; i++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            var room = new BenchRoom();
            var started = Clock.Now;
            var first = await gateway.RequestAsync($"call.room.{room.Id}.join", ResBodies.Join("bench", room.Id, room.Member, room.SealProfile(room.Member)));
            var joined = Clock.Now;
            var second = MemberKey.Create();
            var again = await gateway.RequestAsync($"call.room.{room.Id}.join", ResBodies.Join("bench", room.Id, second, room.SealProfile(second)));
            var ended = Clock.Now;
            errors += (ResBodies.IsSuccess(first) ? 0 : 1) + (ResBodies.IsSuccess(again) ? 0 : 1);
            if (i >= 20)
            {
                cold.AddTicks(started, joined);
                warm.AddTicks(joined, ended);
            }
        }

        var c = cold.Summarize();
        var w = warm.Summarize();
        context.Add(new Figure("4. activation", "cold join p50", c.P50, "ms", c.Count, "warm join p50 ms", w.P50,
            Note: $"{errors} errors; warm p99 {w.P99:F2} ms"));
        context.Add(new Figure("4. activation", "cold join p99", c.P99, "ms", c.Count, "warm join p50 ms", w.P50, Note: $"max {c.Max:F1} ms"));
    }

    private static async Task RecoveryAsync(BenchContext context)
    {
        var p = context.Profile;
        var gateway = context.RequireGateway;
        var node = context.RequireNode;
        var connectionString = context.Postgres.ConnectionString(BenchContext.ChatDatabase);
        var room = new BenchRoom();
        await ServiceLevelScenario.JoinAllAsync(gateway, [room], 1);

        // Fill the room as fast as it takes messages (a hot room), then read where it stands.
        var sent = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, p.RecoveryEvents), new ParallelOptions { MaxDegreeOfParallelism = 200, CancellationToken = context.Cancellation },
            async (_, _) =>
            {
                if (await ServiceLevelScenario.SendAsync(gateway, room))
                {
                    Interlocked.Increment(ref sent);
                }
            });
        var stats = await node.Rooms.Ask<RoomStats>(new GetRoomStats(room.Id), TimeSpan.FromSeconds(30));
        var persistenceId = RoomIds.PersistenceIdOf(room.Id);
        var snapshotAt = await ScalarAsync(connectionString, "SELECT coalesce(max(sequence_number), 0) FROM akka.snapshot WHERE persistence_id = $1", persistenceId);
        Progress.Line($"   room has {stats.LastSequenceNr:N0} journal events ({sent:N0} messages); latest snapshot at event {snapshotAt:N0}");

        var journalRead = new Latencies();
        for (var i = 0; i < p.RecoveryRepeats + 1; i++)
        {
            var started = Clock.Now;
            var rows = await ReadJournalAsync(connectionString, persistenceId);
            if (i > 0)
            {
                journalRead.AddTicks(started, Clock.Now);
            }

            if (rows != stats.LastSequenceNr)
            {
                Progress.Line($"   journal read returned {rows} rows, expected {stats.LastSequenceNr}");
            }
        }

        var raw = journalRead.Summarize();
        context.Baselines["pg.journalRead.p50ms"] = raw.P50;

        var withSnapshot = await WakeRepeatedlyAsync(context, room);
        context.Add(new Figure("4. activation", $"recovery of a {stats.LastSequenceNr:N0}-event room, with snapshot (p50)", withSnapshot.P50, "ms", withSnapshot.Count,
            $"raw SELECT of its {stats.LastSequenceNr:N0} journal rows p50 ms", raw.P50, "≤ 100 ms", withSnapshot.P50 <= 100,
            $"replays {stats.LastSequenceNr - snapshotAt} events after the snapshot at {snapshotAt:N0}; max {withSnapshot.Max:F1} ms"));

        var deleted = await ScalarAsync(connectionString, "WITH d AS (DELETE FROM akka.snapshot WHERE persistence_id = $1 RETURNING 1) SELECT count(*) FROM d", persistenceId);
        var withoutSnapshot = await WakeRepeatedlyAsync(context, room);
        context.Add(new Figure("4. activation", $"recovery of a {stats.LastSequenceNr:N0}-event room, no snapshot (p50)", withoutSnapshot.P50, "ms", withoutSnapshot.Count,
            $"raw SELECT of its {stats.LastSequenceNr:N0} journal rows p50 ms", raw.P50, "≤ 100 ms", withoutSnapshot.P50 <= 100,
            $"replays all {stats.LastSequenceNr:N0} events ({deleted} snapshot rows deleted); max {withoutSnapshot.Max:F1} ms"));
    }

    /// <summary>Stops the room's actor (as passivation does), then times a get until its reply, repeatedly.</summary>
    private static async Task<LatencySummary> WakeRepeatedlyAsync(BenchContext context, BenchRoom room)
    {
        var node = context.RequireNode;
        var shard = new RoomMessageExtractor(new ChatClusterOptions().ShardCount).ShardId(room.Id, null);
        var wakes = new Latencies();
        for (var i = 0; i < context.Profile.RecoveryRepeats; i++)
        {
            var entity = await node.System.ActorSelection($"/system/sharding/{RoomMessageExtractor.TypeName}/{shard}/{room.Id}")
                .ResolveOne(TimeSpan.FromSeconds(10));
            await entity.GracefulStop(TimeSpan.FromSeconds(30), StopRoom.Instance);

            // The shard learns of the stop through its own watch; give it a moment so the get starts a new actor.
            await Task.Delay(200, context.Cancellation);
            var started = Clock.Now;
            var reply = await context.RequireGateway.RequestAsync($"get.room.{room.Id}", ResBodies.Get("bench"));
            wakes.AddTicks(started, Clock.Now);
            if (!ResBodies.IsSuccess(reply))
            {
                Progress.Line($"   get failed: {reply}");
            }
        }

        return wakes.Summarize();
    }

    private static async Task MemoryPerRoomAsync(BenchContext context)
    {
        var n = context.Profile.MemoryRooms;
        var rooms = Enumerable.Range(0, n).Select(_ => new BenchRoom()).ToArray();
        var before = MemorySample.Take();
        var errors = await ServiceLevelScenario.JoinAllAsync(context.RequireGateway, rooms, parallel: 50);

        // Let the joins' events and projection batches drain before measuring what stays.
        await Task.Delay(2000, context.Cancellation);
        var after = MemorySample.Take();
        var perRoom = (after.HeapBytes - before.HeapBytes) / (double)n;
        context.Add(new Figure("4. memory", "managed heap per active room (one member)", perRoom, "bytes", n,
            Note: $"working set {(after.WorkingSetBytes - before.WorkingSetBytes) / (double)n:N0} bytes per room; {errors} join errors; ≈ {(1L << 30) / Math.Max(1, perRoom):N0} rooms per GiB of heap"));
    }

    private static async Task<long> ReadJournalAsync(string connectionString, string persistenceId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT * FROM akka.journal WHERE persistence_id = $1 ORDER BY sequence_number", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = persistenceId });
        await using var reader = await command.ExecuteReaderAsync();
        var values = new object[reader.FieldCount];
        long rows = 0;
        while (await reader.ReadAsync())
        {
            reader.GetValues(values);
            rows++;
        }

        return rows;
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql, string parameter)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
