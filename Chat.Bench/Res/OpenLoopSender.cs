using Chat.Bench.Measure;
using Chat.Client.Envelope;
using Chat.Testing.Res;

namespace Chat.Bench.Res;

/// <summary>
/// Open loop: each send has a due time on a fixed schedule and goes out when due, however slow earlier ones are;
/// latency counts from the due time to the <c>messages.add</c> event, so a stall is not hidden by sending later.
/// </summary>
/// <remarks>
/// The generator's own lateness counts in that latency too, so the schedule is kept as closely as the machine
/// allows: every message is sealed and signed before the schedule starts (a page seals before it sends, so that
/// work is not the request's), and a thread of its own sends, sleeping a millisecond between looks at the clock.
/// The first version waited with <c>Task.Delay(1)</c> and sealed on the way: its wake-ups came 3.5 ms apart
/// (p50; the timer hands each one to the thread pool) and its sends left 4.8 ms late (p50), more than the whole
/// round trip of an in-memory service, and it counted a send due only a period after its due time (half a
/// millisecond at 2,000 sends/s). Each counted send's lateness (due time to handed to the NATS client) is
/// reported beside the latency.
/// </remarks>
public static class OpenLoopSender
{
    /// <summary>Seals <paramref name="total"/> messages, round the rooms, for <see cref="RunAsync"/>.</summary>
    public static IReadOnlyList<SealedSend> Prepare(BenchRoom[] rooms, long total)
    {
        var sends = new SealedSend[total];
        for (long i = 0; i < total; i++)
        {
            var room = rooms[i % rooms.Length];
            var (id, box) = room.SealMessage(room.Member);
            sends[i] = new SealedSend(room, id, box);
        }

        return sends;
    }

    /// <summary>Sends <paramref name="sends"/> at <paramref name="rate"/> per second from now; the first <paramref name="warmUpSeconds"/> are not counted.</summary>
    public static Task<OpenLoopOutcome> RunAsync(
        ResRequester gateway, AddEventWatch watch, IReadOnlyList<SealedSend> sends, double rate, double warmUpSeconds, CancellationToken cancellation)
    {
        var outcome = new TaskCompletionSource<OpenLoopOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                outcome.SetResult(Send(gateway, watch, sends, rate, warmUpSeconds, cancellation));
            }
            catch (OperationCanceledException)
            {
                outcome.SetCanceled(cancellation);
            }
            catch (Exception e)
            {
                outcome.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "open-loop sender",
        };
        thread.Start();
        return outcome.Task;
    }

    private static OpenLoopOutcome Send(
        ResRequester gateway, AddEventWatch watch, IReadOnlyList<SealedSend> sends, double rate, double warmUpSeconds, CancellationToken cancellation)
    {
        var replies = new List<Task<string>>(sends.Count);
        var lateness = new Latencies();
        var start = Clock.Now;
        var windowStart = Clock.After(start, warmUpSeconds);
        var sent = 0;
        while (sent < sends.Count)
        {
            cancellation.ThrowIfCancellationRequested();
            // Send i is due at i / rate: at elapsed t, sends 0 to floor(t × rate) are due (the first at once).
            var due = (int)Math.Min(sends.Count, Math.Floor(Clock.Seconds(start, Clock.Now) * rate) + 1);
            for (; sent < due; sent++)
            {
                var scheduled = Clock.After(start, sent / rate);
                var (room, id, box) = sends[sent];
                var counted = scheduled >= windowStart;
                watch.Expect(id, scheduled, counted);
                replies.Add(gateway.Send($"call.room.{room.Id}.messages.send", ResBodies.Send("bench", room.Id, room.Member, id, box), out var published));
                if (published.IsCompleted)
                {
                    published.GetAwaiter().GetResult();
                }
                else
                {
                    // The client's write buffer is full: waiting here is lateness, and is measured as such.
                    published.AsTask().GetAwaiter().GetResult();
                }

                if (counted)
                {
                    lateness.AddTicks(scheduled, Clock.Now);
                }
            }

            Thread.Sleep(1);
        }

        return new OpenLoopOutcome(replies, windowStart, Clock.Now, lateness.Summarize());
    }
}

/// <summary>A message sealed ahead of its send.</summary>
public sealed record SealedSend(BenchRoom Room, string Id, SealedBox Box);

/// <summary>What an open loop sent: the replies to come, its counted window, and how late its sends left.</summary>
public sealed record OpenLoopOutcome(List<Task<string>> Replies, long WindowStart, long End, LatencySummary Lateness);
