using System.Collections.Concurrent;
using System.Diagnostics;
using Chat.Tests.Infrastructure;
using Chat.Tests.Rooms;
using Xunit.Abstractions;

namespace Chat.Tests.Res;

/// <summary>
/// nats-server killed and started again 5 s later on the same port while a gateway sends into several
/// rooms: the rooms answer again within seconds of its return, and every acknowledged message is stored
/// once with the seq it was acknowledged with (a send whose reply was lost is retried with its id, as the
/// page does, and the room's dedupe answers it with the same seq).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NatsRestartTests(PostgresFixture postgres, ITestOutputHelper output) : ResServiceSpec(postgres)
{
    private const int Rooms = 5;

    [Fact]
    public async Task NatsServerDownForFiveSeconds_RoomsAnswerWithinFiveSecondsOfItsReturn_NothingAcknowledgedLost()
    {
        var rooms = Enumerable.Range(0, Rooms).Select(_ => (Room: NewRoom(), Member: NewMember())).ToArray();
        foreach (var (room, member) in rooms)
        {
            await JoinAsync(room, member);
        }

        var acknowledged = new ConcurrentDictionary<Guid, (string Room, long Seq)>();
        var clock = Stopwatch.StartNew();
        long returnedAt = long.MaxValue;
        var backAt = new ConcurrentDictionary<string, long>();
        var failures = 0;
        var ackTimes = new ConcurrentQueue<long>();
        using var stop = new CancellationTokenSource();

        async Task SendLoop(string room, string member)
        {
            while (!stop.IsCancellationRequested)
            {
                var id = Guid.NewGuid();
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var reply = await Gateway.RequestAsync($"call.room.{room}.messages.send", SendBody(room, member, id), TimeSpan.FromSeconds(2));
                        if (reply.Json?["result"]?["seq"]?.GetValue<long>() is { } seq)
                        {
                            acknowledged.TryAdd(id, (room, seq));
                            ackTimes.Enqueue(clock.ElapsedMilliseconds);
                            if (Volatile.Read(ref returnedAt) != long.MaxValue)
                            {
                                backAt.TryAdd(room, clock.ElapsedMilliseconds);
                            }

                            break;
                        }

                        if (reply.Json?["error"]?["code"]?.GetValue<string>() == "room.notJoined")
                        {
                            await JoinAsync(room, member);
                        }
                    }
                    catch (Exception e) when (e is OperationCanceledException or TimeoutException or NATS.Client.Core.NatsException or InvalidOperationException)
                    {
                        // No server, no responders or no reply in time: the same id again, as the page does.
                        Interlocked.Increment(ref failures);
                        await Task.Delay(100);
                    }
                }

                await Task.Delay(20);
            }
        }

        var senders = rooms.Select(r => Task.Run(() => SendLoop(r.Room, r.Member))).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var before = acknowledged.Count;

        await Nats.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(5));
        await Nats.StartAgainAsync();
        Volatile.Write(ref returnedAt, clock.ElapsedMilliseconds);
        var deadline = Stopwatch.StartNew();
        while (backAt.Count < Rooms && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await Task.WhenAll(senders);

        output.WriteLine($"{before} acknowledged before the restart, {acknowledged.Count} in all, {failures} attempts failed or timed out meanwhile; " +
            $"rooms answering again {string.Join(", ", backAt.Values.Select(b => $"{b - returnedAt} ms"))} after nats-server was back");
        backAt.Should().HaveCount(Rooms, "every room answers again");
        backAt.Values.Max(b => b - returnedAt).Should().BeLessThanOrEqualTo(5_000, "every room answers within 5 s of nats-server's return");
        // While nats-server was away nothing could be acknowledged (requests wait in the client or fail).
        var times = ackTimes.Order().ToArray();
        times.Zip(times.Skip(1), (a, b) => b - a).Max().Should().BeGreaterThanOrEqualTo(4_000, "the restart interrupted the sends for about 5 s");

        foreach (var (room, _) in rooms)
        {
            var stored = await DatabaseOutageTests.HistoryOfAsync(Node, room);
            stored.Select(m => m.Id).Should().OnlyHaveUniqueItems();
            var bySeq = stored.ToDictionary(m => m.Id, m => m.Seq);
            acknowledged.Where(a => a.Value.Room == room && (!bySeq.TryGetValue(a.Key, out var seq) || seq != a.Value.Seq))
                .Should().BeEmpty("every acknowledged message is stored once, with the seq it was acknowledged with");
        }
    }
}
