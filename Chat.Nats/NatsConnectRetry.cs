using NATS.Client.Core;
using Polly;
using Polly.Retry;

namespace Chat.Nats;

/// <summary>
/// NATS may come up after the node (compose, one-machine scripts) or answer slowly on a busy machine: the
/// service's and the gateway's connections both keep trying for about a minute before the node gives up.
/// </summary>
public static class NatsConnectRetry
{
    public static readonly ResiliencePipeline Pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<NatsException>(),
            MaxRetryAttempts = 20,
            Delay = TimeSpan.FromMilliseconds(250),
            BackoffType = DelayBackoffType.Exponential,
            MaxDelay = TimeSpan.FromSeconds(5),
        })
        .Build();

    public static ValueTask ConnectAsync(INatsConnection nats, CancellationToken cancellationToken) =>
        Pipeline.ExecuteAsync(async _ => await nats.ConnectAsync(), cancellationToken);
}
