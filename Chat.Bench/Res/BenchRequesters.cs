using Chat.Testing.Res;
using NATS.Client.Core;

namespace Chat.Bench.Res;

/// <summary>The benchmark's gateway side of RES over NATS: the shared <see cref="ResRequester"/>, set up for load.</summary>
public static class BenchRequesters
{
    /// <summary>As Resgate's default request timeout, a reply that does not come fails the request.</summary>
    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(30);

    public static Task<ResRequester> ConnectAsync(string url, CancellationToken cancellation) =>
        ResRequester.ConnectAsync(
            NatsOpts.Default with
            {
                Url = url,
                Name = "bench-gateway",

                // Subscriptions buffer generously and wait rather than drop: a lost event would read as latency.
                SubPendingChannelCapacity = 1 << 20,
                SubPendingChannelFullMode = System.Threading.Channels.BoundedChannelFullMode.Wait,
            },
            RequestTimeout,
            cancellation);
}
