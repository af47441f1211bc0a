using Chat.Bench.Measure;
using Chat.Bench.Report;
using Chat.Bench.Res;
using Chat.Testing.Res;

namespace Chat.Bench.Scenarios;

/// <summary>
/// Scenario 2: the node as Resgate loads it, over NATS with the RES service protocol: sustained sends
/// across many rooms, one hot room, and request-to-event latency under a fixed, open-loop offered load.
/// </summary>
public static class ServiceLevelScenario
{
    public static async Task RunAsync(BenchContext context)
    {
        var p = context.Profile;
        var gateway = context.RequireGateway;
        context.Announce("2. Service level over NATS (RES service protocol, as Resgate sends it)",
            ("rooms", $"{p.Rooms:N0}, one member each, joined first with an encrypted profile; calls carry the token an unlock of the room gives"),
            ("payload", $"C# envelope (signed, AES-GCM, padded to 512 B): {p.CiphertextBytes} B ciphertext, base64 in the RES JSON"),
            ("sustained", $"closed loop, {p.SustainedOutstanding} outstanding sends to uniformly random rooms"),
            ("hot room", $"closed loop, {p.HotRoomOutstanding} outstanding sends to one room"),
            ("latency", $"open loop, {p.OfferedLoadPerSecond:N0} sends/s paced by schedule across the rooms; latency from the scheduled send time to the messages.add event on the gateway's connection"),
            ("warm-up / window", $"{p.WarmUp.TotalSeconds} s / {p.ServiceWindow.TotalSeconds} s each"));

        var rooms = Enumerable.Range(0, p.Rooms).Select(_ => new BenchRoom()).ToArray();
        var joinErrors = await JoinAllAsync(gateway, rooms, parallel: 50);
        Progress.Line($"   joined {rooms.Length:N0} rooms ({joinErrors} errors)");

        await SustainedAsync(context, gateway, rooms);
        await HotRoomAsync(context, gateway);
        await OfferedLoadAsync(context, gateway, rooms);
    }

    public static async Task<int> JoinAllAsync(ResRequester gateway, IReadOnlyList<BenchRoom> rooms, int parallel)
    {
        var errors = 0;
        string? firstError = null;
        await Parallel.ForEachAsync(rooms, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (room, _) =>
        {
            var reply = await gateway.RequestAsync($"call.room.{room.Id}.join", ResBodies.Join("bench", room.Id, room.Member, room.SealProfile(room.Member)));
            if (!ResBodies.IsSuccess(reply))
            {
                Interlocked.Increment(ref errors);
                Interlocked.CompareExchange(ref firstError, reply, null);
            }
        });
        if (firstError is not null)
        {
            Progress.Line($"   first join error: {firstError}");
        }

        return errors;
    }

    public static async Task<bool> SendAsync(ResRequester gateway, BenchRoom room)
    {
        var (id, box) = room.SealMessage(room.Member);
        return ResBodies.IsSuccess(await gateway.RequestAsync($"call.room.{room.Id}.messages.send", ResBodies.Send("bench", room.Id, room.Member, id, box)));
    }

    private static async Task SustainedAsync(BenchContext context, ResRequester gateway, BenchRoom[] rooms)
    {
        var p = context.Profile;
        var errors = 0;
        var result = await ClosedLoop.RunAsync(p.SustainedOutstanding, p.WarmUp, p.ServiceWindow, async _ =>
        {
            if (await SendAsync(gateway, rooms[Random.Shared.Next(rooms.Length)]))
            {
                return 1;
            }

            Interlocked.Increment(ref errors);
            return 0;
        }, context.Cancellation);
        var multiRow = context.Baseline("pg.multiRow");
        context.Add(new Figure("2. service", $"sustained sends, {p.Rooms:N0} rooms", result.UnitsPerSecond, "sends/s", result.Units,
            "PG multi-row INSERT rows/s", multiRow, "≥ 0.16 × PG multi-row", result.UnitsPerSecond / multiRow >= 0.16,
            $"closed loop p50 {result.Latency.P50:F1} ms, p99 {result.Latency.P99:F1} ms (queueing); {errors} errors"));
    }

    private static async Task HotRoomAsync(BenchContext context, ResRequester gateway)
    {
        var p = context.Profile;
        var room = new BenchRoom();
        await JoinAllAsync(gateway, [room], 1);
        var errors = 0;
        var result = await ClosedLoop.RunAsync(p.HotRoomOutstanding, p.WarmUp, p.ServiceWindow, async _ =>
        {
            if (await SendAsync(gateway, room))
            {
                return 1;
            }

            Interlocked.Increment(ref errors);
            return 0;
        }, context.Cancellation);
        context.Add(new Figure("2. service", "one hot room", result.UnitsPerSecond, "sends/s", result.Units,
            "PG single-row commits/s (1 connection)", context.Baseline("pg.singleRow"), "≥ 5,000 sends/s", result.UnitsPerSecond >= 5_000,
            $"{result.UnitsPerSecond / 5_000:0.##} × target; closed loop p50 {result.Latency.P50:F1} ms, p99 {result.Latency.P99:F1} ms; {errors} errors"));
    }

    private static async Task OfferedLoadAsync(BenchContext context, ResRequester gateway, BenchRoom[] rooms)
    {
        var p = context.Profile;
        var watch = context.AddEvents;
        watch.Reset();
        var rate = p.OfferedLoadPerSecond;
        var total = (long)(rate * (p.WarmUp + p.ServiceWindow).TotalSeconds);
        var sends = OpenLoopSender.Prepare(rooms, total);
        var sent = await OpenLoopSender.RunAsync(gateway, watch, sends, rate, p.WarmUp.TotalSeconds, context.Cancellation);
        var replies = sent.Replies;

        var achieved = (total - (long)(rate * p.WarmUp.TotalSeconds)) / Clock.Seconds(sent.WindowStart, sent.End);
        var deadline = Clock.After(Clock.Now, 15);
        while (watch.Outstanding > 0 && Clock.Now < deadline)
        {
            await Task.Delay(20, context.Cancellation);
        }

        var errors = 0;
        foreach (var reply in replies)
        {
            if (!reply.IsCompletedSuccessfully || !ResBodies.IsSuccess(reply.Result))
            {
                errors++;
            }
        }

        var latency = watch.Latencies.Summarize();
        context.Baselines["service.event.p50ms"] = latency.P50;
        var missing = watch.Outstanding;
        var note = $"offered {rate:N0}/s, achieved {achieved:N0}/s; {errors} errors, {missing} events missing; sent {sent.Lateness.P50:F2} / {sent.Lateness.P99:F2} ms late (p50 / p99)";
        var rtt = context.Baseline("nats.rtt.p99ms");
        context.Add(new Figure("2. service", $"request → add event p50 at {rate:N0}/s", latency.P50, "ms", latency.Count,
            "NATS round trip p50 ms", context.Baseline("nats.rtt.p50ms"), Note: note));
        context.Add(new Figure("2. service", $"request → add event p95 at {rate:N0}/s", latency.P95, "ms", latency.Count,
            "NATS round trip p99 ms", rtt));
        context.Add(new Figure("2. service", $"request → add event p99 at {rate:N0}/s", latency.P99, "ms", latency.Count,
            "NATS round trip p99 ms", rtt, "≤ 10 ms", latency.P99 <= 10, $"max {latency.Max:F1} ms; {latency.P99 / 10:0.##} × target"));
        watch.Reset();
    }
}
