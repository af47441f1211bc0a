using System.CommandLine;
using Chat.Bench.Host;
using Chat.Bench.Measure;
using Chat.Bench.Res;
using Chat.Testing.Res;

namespace Chat.Bench.Cost;

/// <summary>
/// <c>Chat.Bench generate</c>: the cost run's load generator in a process of its own, so that the node's
/// process and CPU time hold the node alone. It plays Resgate over NATS (one connection, requests with
/// the token an unlock gives, <c>messages.add</c> events watched), joins one member to each room, then
/// runs its plan step by step, reporting each window's start and result as JSON lines on stdout.
/// Hidden: the cost run starts it.
/// </summary>
public static class LoadGenerator
{
    public const string Name = "generate";

    public static Command Create()
    {
        var nats = new Option<string>("--nats") { Description = "NATS URL", Required = true };
        var rooms = new Option<int>("--rooms") { Description = "rooms, one member each", Required = true };
        var plan = new Option<string[]>("--step") { Description = "kind:level:warmup:window, in order", Required = true, AllowMultipleArgumentsPerToken = true };
        var command = new Command(Name, "The cost run's load generator (RES over NATS).") { nats, rooms, plan };
        command.Hidden = true;
        command.SetAction((result, cancellation) => RunAsync(
            result.GetValue(nats)!, result.GetValue(rooms), [.. result.GetValue(plan)!.Select(LoadStep.Parse)], cancellation));
        return command;
    }

    public static IReadOnlyList<string> Arguments(string natsUrl, int rooms, IEnumerable<LoadStep> plan) =>
        [Name, "--nats", natsUrl, "--rooms", rooms.ToString(System.Globalization.CultureInfo.InvariantCulture), .. plan.SelectMany(s => new[] { "--step", s.ToString() })];

    private static async Task<int> RunAsync(string natsUrl, int roomCount, IReadOnlyList<LoadStep> plan, CancellationToken cancellation)
    {
        await using var gateway = await BenchRequesters.ConnectAsync(natsUrl, cancellation);
        var watch = new AddEventWatch();
        await gateway.ListenAsync("event.room.*.messages.add", watch.OnEvent);

        var rooms = Enumerable.Range(0, roomCount).Select(_ => new BenchRoom()).ToArray();
        var (joinErrors, firstJoinError) = await JoinAsync(gateway, rooms);
        ChildReports.Write("joined", new RoomsJoined(rooms.Length, joinErrors, firstJoinError));

        for (var i = 0; i < plan.Count; i++)
        {
            var step = plan[i];
            var sends = step.Kind == LoadStep.Open ? OpenLoopSender.Prepare(rooms, (long)(step.Level * (step.WarmUpSeconds + step.WindowSeconds))) : [];
            var windowStarts = AnnounceWindowAsync(i, step, cancellation);
            var result = step.Kind == LoadStep.Closed
                ? await ClosedAsync(i, step, gateway, rooms, cancellation)
                : await OpenAsync(i, step, gateway, watch, sends, cancellation);
            await windowStarts;
            ChildReports.Write("step", result);
        }

        return 0;
    }

    private static async Task<(int Errors, string? First)> JoinAsync(ResRequester gateway, BenchRoom[] rooms)
    {
        var errors = 0;
        string? first = null;
        await Parallel.ForEachAsync(rooms, new ParallelOptions { MaxDegreeOfParallelism = 50 }, async (room, _) =>
        {
            var reply = await gateway.RequestAsync($"call.room.{room.Id}.join", ResBodies.Join("bench", room.Id, room.Member, room.SealProfile(room.Member)));
            if (!ResBodies.IsSuccess(reply))
            {
                Interlocked.Increment(ref errors);
                Interlocked.CompareExchange(ref first, reply, null);
            }
        });
        return (errors, first);
    }

    /// <summary>Reports the window's start when the warm-up is over; the parent reads its CPU counters on that line.</summary>
    private static async Task AnnounceWindowAsync(int index, LoadStep step, CancellationToken cancellation)
    {
        await Task.Delay(TimeSpan.FromSeconds(step.WarmUpSeconds), cancellation);
        ChildReports.Write("window", new WindowStarted(index));
    }

    private static async Task<StepResult> ClosedAsync(int index, LoadStep step, ResRequester gateway, BenchRoom[] rooms, CancellationToken cancellation)
    {
        long errors = 0;
        string? firstError = null;
        var result = await ClosedLoop.RunAsync(step.Level, TimeSpan.FromSeconds(step.WarmUpSeconds), TimeSpan.FromSeconds(step.WindowSeconds), async _ =>
        {
            var room = rooms[Random.Shared.Next(rooms.Length)];
            var (id, box) = room.SealMessage(room.Member);
            var reply = await gateway.RequestAsync($"call.room.{room.Id}.messages.send", ResBodies.Send("bench", room.Id, room.Member, id, box));
            if (ResBodies.IsSuccess(reply))
            {
                return 1;
            }

            Interlocked.Increment(ref errors);
            Interlocked.CompareExchange(ref firstError, reply, null);
            return 0;
        }, cancellation);
        return new StepResult(index, step.Name, result.UnitsPerSecond, result.Units, errors, 0, step.WindowSeconds, result.Latency, firstError);
    }

    /// <summary>
    /// Each send has a due time on a fixed schedule and goes out when due, however slow earlier ones are;
    /// latency counts from the due time to the <c>messages.add</c> event, so a stall is not hidden. The
    /// messages are sealed before the step (and its warm-up) begins.
    /// </summary>
    private static async Task<StepResult> OpenAsync(
        int index, LoadStep step, ResRequester gateway, AddEventWatch watch, IReadOnlyList<SealedSend> sends, CancellationToken cancellation)
    {
        watch.Reset();
        var sent = await OpenLoopSender.RunAsync(gateway, watch, sends, step.Level, step.WarmUpSeconds, cancellation);

        var achieved = (sends.Count - (long)(step.Level * step.WarmUpSeconds)) / Clock.Seconds(sent.WindowStart, sent.End);
        var deadline = Clock.After(Clock.Now, 15);
        while (watch.Outstanding > 0 && Clock.Now < deadline)
        {
            await Task.Delay(20, cancellation);
        }

        long errors = 0;
        string? firstError = null;
        foreach (var reply in sent.Replies)
        {
            var ok = reply.IsCompletedSuccessfully && ResBodies.IsSuccess(reply.Result);
            if (!ok)
            {
                errors++;
                firstError ??= reply.IsCompletedSuccessfully ? reply.Result : reply.Status.ToString();
            }
        }

        var latency = watch.Latencies.Summarize();
        var missing = watch.Outstanding;
        watch.Reset();
        return new StepResult(index, step.Name, achieved, latency.Count, errors, missing, step.WindowSeconds, latency, firstError) { SenderLateness = sent.Lateness };
    }
}
