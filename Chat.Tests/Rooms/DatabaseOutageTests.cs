using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Chat.Actors.Hosting;
using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Chat.Web.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Chat.Tests.Rooms;

/// <summary>
/// Rooms on a real PostgreSQL that goes away and comes back (docs/rooms.md, "When the database goes
/// away"): every request is answered meanwhile, nothing acknowledged is lost or doubled, and every room
/// answers sends and history again within seconds of the database's return, without restarting in a loop.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseOutageTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const int Rooms = 5;
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task DatabaseStoppedForTenSeconds_EveryRoomAnswersWithinFiveSecondsOfItsReturn_NothingAcknowledgedLost()
    {
        if (!postgres.Server.CanRestart)
        {
            return;
        }

        await RunAsync("outage", refusalsExpected: true, async db =>
        {
            // /health's database check says what is true before, during and right after the outage.
            var health = new PostgresHealthCheck(Options.Create(new ChatPersistenceOptions { ConnectionString = db }));
            (await health.CheckHealthAsync(new HealthCheckContext())).Status.Should().Be(HealthStatus.Healthy);
            await postgres.Server.StopImmediatelyAsync();
            (await health.CheckHealthAsync(new HealthCheckContext())).Status.Should().Be(HealthStatus.Unhealthy);
            await Task.Delay(TimeSpan.FromSeconds(10));
            await postgres.Server.StartAgainAsync();
            (await health.CheckHealthAsync(new HealthCheckContext())).Status.Should().Be(HealthStatus.Healthy, "the first check after the return");
        });
    }

    [Fact]
    public async Task DatabaseStalledForTenSeconds_EveryRoomAnswersWithinFiveSecondsOfTheStallsEnd_NothingAcknowledgedLost()
    {
        // A lock that holds every journal read and write for 10 s, as a long migration or a stuck
        // transaction would: requests wait or are refused, none is lost, and the rooms go on after it.
        await RunAsync("stall", refusalsExpected: false, async db =>
        {
            await using var connection = new Npgsql.NpgsqlConnection(db);
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var command = new Npgsql.NpgsqlCommand("LOCK TABLE akka.journal IN ACCESS EXCLUSIVE MODE", connection, transaction))
            {
                await command.ExecuteNonQueryAsync();
            }

            await Task.Delay(TimeSpan.FromSeconds(10));
            await transaction.CommitAsync();
        });
    }

    private async Task RunAsync(string prefix, bool refusalsExpected, Func<string, Task> outage)
    {
        // A stop with -m immediate is a crash: this database commits as PostgreSQL does by default, durably.
        var db = await postgres.Server.CreateCrashSafeDatabaseAsync(prefix);
        await using var node = await ChatNode.StartAsync(db, new Dictionary<string, string?>
        {
            ["Chat:Projection:Enabled"] = "false",

            // Each room's one member sends as fast as it is answered: no send budget may refuse it.
            ["Chat:Rooms:RatePerSecond"] = "10000",
            ["Chat:Rooms:RateBurst"] = "10000",
            ["Chat:Rooms:RoomRatePerSecond"] = "10000",
            ["Chat:Rooms:RoomRateBurst"] = "10000",
        });
        var rooms = Enumerable.Range(0, Rooms).Select(_ => (Room: TestPayloads.NewRoomId(), Member: TestPayloads.NewMemberId())).ToArray();
        foreach (var (room, member) in rooms)
        {
            await node.AskAsync<Joined>(TestPayloads.Join(room, member));
        }

        var acknowledged = new ConcurrentDictionary<Guid, (string Room, long Seq)>();
        var unanswered = 0;
        var unansweredCommands = new ConcurrentQueue<string>();
        var otherReplies = new ConcurrentQueue<string>();
        var refused = 0;
        var clock = Stopwatch.StartNew();
        long returnedAt = long.MaxValue;
        var backAt = new ConcurrentDictionary<string, (long Send, long History)>();
        using var stop = new CancellationTokenSource();

        async Task<RoomReply?> Ask(IRoomCommand command)
        {
            try
            {
                return await node.Rooms.Ask<RoomReply>(new RoomRequest(command, null), AskTimeout);
            }
            catch (AskTimeoutException)
            {
                Interlocked.Increment(ref unanswered);
                unansweredCommands.Enqueue($"{command.GetType().Name} sent at {clock.ElapsedMilliseconds - AskTimeout.TotalMilliseconds:F0} ms");
                return null;
            }
        }

        async Task SendLoop(string room, string member)
        {
            while (!stop.IsCancellationRequested)
            {
                var send = TestPayloads.Send(room, member);
                var reply = await Ask(send);
                if (reply is MessageAccepted accepted)
                {
                    acknowledged.TryAdd(Guid.Parse(send.Id!), (room, accepted.Seq)).Should().BeTrue();
                    if (Volatile.Read(ref returnedAt) != long.MaxValue && await Ask(new GetHistory(room, 2, 1)) is HistoryPage)
                    {
                        backAt.TryAdd(room, (clock.ElapsedMilliseconds, clock.ElapsedMilliseconds));
                    }
                }
                else if (reply is RoomRejected { Code: RoomErrors.NotJoined })
                {
                    // A room that restarted after the outage starts without members: the page re-joins.
                    await Ask(TestPayloads.Join(room, member));
                }
                else if (reply is RoomRejected { Code: RoomErrors.Unavailable })
                {
                    Interlocked.Increment(ref refused);
                    await Task.Delay(100);
                }
                else if (reply is not null)
                {
                    otherReplies.Enqueue(reply.ToString());
                }

                await Task.Delay(20);
            }
        }

        var senders = rooms.Select(r => Task.Run(() => SendLoop(r.Room, r.Member))).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var before = acknowledged.Count;
        var recoveriesBefore = RecoveryLines(node);
        var waiting = node.Services.GetRequiredService<RoomsWaitingForDatabase>();

        await outage(db);
        Volatile.Write(ref returnedAt, clock.ElapsedMilliseconds);
        var recoveryDeadline = Stopwatch.StartNew();
        while (backAt.Count < Rooms && recoveryDeadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await Task.WhenAll(senders);

        var slowest = backAt.Values.Select(b => b.Send - returnedAt).DefaultIfEmpty(long.MaxValue).Max();
        output.WriteLine($"{before} acknowledged before the outage, {acknowledged.Count} in all; {refused} refused (room.unavailable) meanwhile, {unanswered} unanswered; " +
            $"rooms answering sends and history again {string.Join(", ", backAt.Values.Select(b => $"{b.Send - returnedAt} ms"))} after the database was back; " +
            $"{RecoveryLines(node) - recoveriesBefore} recovery-failure log lines during the outage; {waiting.Retries} recoveries retried by waiting rooms; unanswered: {string.Join("; ", unansweredCommands)}");

        backAt.Should().HaveCount(Rooms, "every room answers sends and history again");
        slowest.Should().BeLessThanOrEqualTo(5_000, "every room answers within 5 s of the database's return");
        unanswered.Should().Be(0, "every request is answered, acknowledged or refused");
        otherReplies.Should().BeEmpty("a send is acknowledged or refused as room.unavailable, nothing else");
        if (refusalsExpected)
        {
            refused.Should().BeGreaterThan(0, "sends during the outage were refused, so the test did cover it");
        }
        (RecoveryLines(node) - recoveriesBefore).Should().BeLessThanOrEqualTo(Rooms * 2, "one line per room per outage, not one per attempt");

        // Backing off from 0.25 s to 1 s, a room retries about twelve times in a 10 s outage however often
        // it is asked; without the back-off each refused request was a recovery (hundreds here).
        waiting.Retries.Should().BeLessThanOrEqualTo(Rooms * 15, "a waiting room backs off instead of recovering on every request");

        // Every acknowledged message is in its room's history exactly once, with the seq it was acknowledged with.
        foreach (var (room, _) in rooms)
        {
            var stored = await HistoryOfAsync(node, room);
            stored.Select(m => m.Id).Should().OnlyHaveUniqueItems();
            var bySeq = stored.ToDictionary(m => m.Id, m => m.Seq);
            var wrong = acknowledged.Where(a => a.Value.Room == room && (!bySeq.TryGetValue(a.Key, out var seq) || seq != a.Value.Seq))
                .Select(a => $"{a.Key} acknowledged as seq {a.Value.Seq}, stored as {(bySeq.TryGetValue(a.Key, out var s) ? s : "missing")}; stored at that seq: {stored.FirstOrDefault(m => m.Seq == a.Value.Seq)?.Id}")
                .ToList();
            wrong.Should().BeEmpty($"every acknowledged message is stored once with its seq ({stored.Count} stored, seqs {stored.Min(m => m.Seq)}-{stored.Max(m => m.Seq)})");
        }
    }

    private static int RecoveryLines(ChatNode node) =>
        node.Logs.Count(line => line.Contains("waits for the database", StringComparison.Ordinal)
            || line.Contains("Persistence failure when replaying events", StringComparison.Ordinal));

    /// <summary>Every message of the room, newest page first, read through the room.</summary>
    internal static async Task<List<StoredMessage>> HistoryOfAsync(ChatNode node, string room)
    {
        var all = new List<StoredMessage>();
        long before = long.MaxValue;
        while (true)
        {
            var reply = await node.AskAsync<RoomReply>(new GetHistory(room, before, 100));
            var page = reply.Should().BeOfType<HistoryPage>($"history answers after the outage: {reply}").Subject;
            all.AddRange(page.Messages);
            before = page.Messages.IsEmpty ? 1 : page.Messages.Min(m => m.Seq);
            if (page.Messages.Length < 100 || before == 1)
            {
                return all;
            }
        }
    }
}
