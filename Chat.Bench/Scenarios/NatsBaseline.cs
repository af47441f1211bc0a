using System.Security.Cryptography;
using Chat.Bench.Measure;
using Chat.Bench.Report;
using NATS.Client.Core;

namespace Chat.Bench.Scenarios;

/// <summary>
/// Scenario 1b: what the same nats-server reaches: request-reply round trips (a responder on its own
/// connection in this process, as the node is) one at a time and many at once, and plain publishes.
/// </summary>
public static class NatsBaseline
{
    private const int RequestBytes = 300;
    private const int ReplyBytes = 16;

    public static async Task RunAsync(BenchContext context)
    {
        var p = context.Profile;
        context.Announce("1b. NATS baseline",
            ("request-reply", $"{RequestBytes} B request, {ReplyBytes} B reply; 1 outstanding, then {p.NatsConcurrentRequests}"),
            ("publish", $"{p.NatsPublishMessages:N0} messages of {RequestBytes} B, no subscriber, timed to a final PING round trip"),
            ("warm-up / window", $"{p.WarmUp.TotalSeconds} s / {p.BaselineWindow.TotalSeconds} s"));

        await using var responder = new NatsConnection(NatsOpts.Default with { Url = context.Nats.Url, Name = "bench-responder" });
        await using var requester = new NatsConnection(NatsOpts.Default with { Url = context.Nats.Url, Name = "bench-requester" });
        await responder.ConnectAsync();
        await requester.ConnectAsync();
        ServerVersion = requester.ServerInfo?.Version ?? "unknown";

        var reply = RandomNumberGenerator.GetBytes(ReplyBytes);
        var request = RandomNumberGenerator.GetBytes(RequestBytes);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        await using var subscription = await responder.SubscribeCoreAsync<byte[]>("bench.echo", cancellationToken: stop.Token);
        var responding = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in subscription.Msgs.ReadAllAsync(stop.Token))
                {
                    await message.ReplyAsync(reply, cancellationToken: stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        await responder.PingAsync();

        async Task<int> RoundTrip(int _)
        {
            await requester.RequestAsync<byte[], byte[]>("bench.echo", request, cancellationToken: context.Cancellation);
            return 1;
        }

        var sequential = await ClosedLoop.RunAsync(1, p.WarmUp, p.BaselineWindow, RoundTrip, context.Cancellation);
        context.Baselines["nats.rtt"] = sequential.UnitsPerSecond;
        context.Baselines["nats.rtt.p50ms"] = sequential.Latency.P50;
        context.Baselines["nats.rtt.p99ms"] = sequential.Latency.P99;
        context.Add(new Figure("1. baseline", "NATS request-reply, 1 outstanding", sequential.UnitsPerSecond, "round trips/s", sequential.Units,
            Note: $"p50 {sequential.Latency.P50:F3} ms, p99 {sequential.Latency.P99:F3} ms"));

        var concurrent = await ClosedLoop.RunAsync(p.NatsConcurrentRequests, p.WarmUp, p.BaselineWindow, RoundTrip, context.Cancellation);
        context.Baselines["nats.rtt.concurrent"] = concurrent.UnitsPerSecond;
        context.Add(new Figure("1. baseline", $"NATS request-reply, {p.NatsConcurrentRequests} outstanding", concurrent.UnitsPerSecond, "round trips/s", concurrent.Units,
            Note: $"p50 {concurrent.Latency.P50:F3} ms, p99 {concurrent.Latency.P99:F3} ms"));

        await stop.CancelAsync();
        await responding;

        // Warm-up: a tenth of the messages, then the timed run.
        await PublishAsync(requester, request, p.NatsPublishMessages / 10);
        var started = Clock.Now;
        await PublishAsync(requester, request, p.NatsPublishMessages);
        var seconds = Clock.Seconds(started, Clock.Now);
        context.Baselines["nats.publish"] = p.NatsPublishMessages / seconds;
        context.Add(new Figure("1. baseline", "NATS publish", p.NatsPublishMessages / seconds, "msgs/s", p.NatsPublishMessages,
            Note: $"{p.NatsPublishMessages * (double)RequestBytes / seconds / 1e6:F0} MB/s"));
    }

    /// <summary>The nats-server version reported to the last connection (for the machine description).</summary>
    public static string ServerVersion { get; set; } = "unknown";

    private static async Task PublishAsync(NatsConnection connection, byte[] payload, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await connection.PublishAsync("bench.sink", payload);
        }

        await connection.PingAsync();
    }
}
