using System.Diagnostics;
using System.Threading.Channels;
using Chat.Actors.Rooms;
using Chat.Res.Hosting;
using Chat.Res.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Chat.Res.Service;

/// <summary>
/// Everything this node publishes goes through one queue and one connection, in the order it was
/// queued. That is the ordering rule (docs/res-service.md, "Ordering"): a room's events reach NATS before the
/// reply that follows them, and NATS keeps order per connection.
/// It takes messages before any other hosted service starts (<see cref="StartingAsync"/>) and connects with
/// the first: a node still starting already answers requests that reached no room (docs/failover.md, "A node
/// restarted in place"). It stops in its turn, after the RES service, so the rooms' last replies still go out.
/// </summary>
public sealed partial class NatsOutbox : BackgroundService, IHostedLifecycleService
{
    private readonly INatsConnection _nats;
    private readonly ILogger<NatsOutbox> _logger;
    private readonly Channel<Outgoing> _queue;

    public NatsOutbox(INatsConnection nats, IOptions<ResOptions> options, ILogger<NatsOutbox> logger)
    {
        _nats = nats;
        _logger = logger;
        _queue = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(options.Value.OutboxCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropOldest,
        });
    }

    /// <summary>Queues a message; never blocks the caller (a room actor).</summary>
    public void Publish(string subject, byte[] payload) => _queue.Writer.TryWrite(new Outgoing(subject, payload, IsReply: false, Stopwatch.GetTimestamp()));

    /// <summary>Queues a reply: one that turns out too large for NATS is answered with an error instead, never dropped.</summary>
    public void PublishReply(string inbox, byte[] payload) => _queue.Writer.TryWrite(new Outgoing(inbox, payload, IsReply: true, Stopwatch.GetTimestamp()));

    public Task StartingAsync(CancellationToken cancellationToken) => base.StartAsync(cancellationToken);

    /// <summary>Already publishing since <see cref="StartingAsync"/>.</summary>
    public override Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await _nats.PublishAsync(message.Subject, message.Payload, cancellationToken: stoppingToken);
                ResServiceMetrics.OutboxDelay.Record(Stopwatch.GetElapsedTime(message.Queued).TotalMilliseconds);
            }
            catch (NatsPayloadTooLargeException e) when (message.IsReply)
            {
                // A bug (responses are bounded well below max_payload), but the caller still gets an answer.
                LogPublishFailed(_logger, e, message.Subject);
                await _nats.PublishAsync(message.Subject, ResJson.Error(RoomErrors.InternalError, "Internal error: response too large."), cancellationToken: stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The subject names a resource or an inbox; the payload is never logged.
                LogPublishFailed(_logger, e, message.Subject);
            }
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Could not publish to {Subject}")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string subject);

    private readonly record struct Outgoing(string Subject, byte[] Payload, bool IsReply, long Queued);
}
