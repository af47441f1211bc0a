using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Chat.Actors.Hosting;
using Chat.Actors.Rooms;
using Chat.Client.Envelope;
using Chat.Nats;
using Chat.Res.Hosting;
using Chat.Res.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace Chat.Res.Service;

/// <summary>
/// This node's part of the <c>room</c> RES service. Requests come in through a queue group, so each
/// is handled by one node: access is answered here, get and call go through sharding to the room
/// with the reply subject, and the room's node answers (<see cref="NatsRoomOutput"/>).
/// It takes requests only while this node is Up in the cluster and its shard region is registered
/// with the coordinator. As the host begins to stop (<see cref="StoppingAsync"/>, before any hosted
/// service stops) it drains NATS and starts moving its rooms away, the two side by side, then leaves
/// the cluster (<see cref="ClusterMembership.MoveShardsAwayAsync"/>). The actor system outlives the drain,
/// so what was taken is answered, and the outbox (stopped after this service) still publishes the
/// rooms' last replies: a node stopped gracefully drops no request (docs/failover.md).
/// </summary>
public sealed partial class ResService(
    INatsConnection nats,
    NatsOutbox outbox,
    ActorSystem system,
    IRequiredActor<RoomRegion> roomRegion,
    IOptions<ResOptions> options,
    ILogger<ResService> logger) : BackgroundService, IHostedLifecycleService
{
    private static readonly JsonDocumentOptions HintDocumentOptions = new() { MaxDepth = ResRequest.MaxBodyDepth };

    private readonly BadInputLog _badInput = new(logger, "Service", TimeSpan.FromMinutes(1));

    /// <summary>How long a stopping node waits for its shards to move away a few at a time before it leaves with the rest.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    private IActorRef _rooms = ActorRefs.Nobody;
    private Task? _drained;
    private Task? _left;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _rooms = await roomRegion.GetAsync(stoppingToken);
        await ClusterMembership.WaitUntilUpAsync(system, stoppingToken);
        await ClusterMembership.WaitUntilRegionRegisteredAsync(system, _rooms, stoppingToken);
        await NatsConnectRetry.ConnectAsync(nats, stoppingToken);

        var group = options.Value.QueueGroup;
        var subscriptions = new[]
        {
            await nats.SubscribeCoreAsync<byte[]>("access.room.>", group, cancellationToken: stoppingToken),
            await nats.SubscribeCoreAsync<byte[]>("get.room.>", group, cancellationToken: stoppingToken),
            await nats.SubscribeCoreAsync<byte[]>("call.room.>", group, cancellationToken: stoppingToken),
            await nats.SubscribeCoreAsync<byte[]>("auth.room.>", group, cancellationToken: stoppingToken),
            await nats.SubscribeCoreAsync<byte[]>("conn.*.disconnect", group, cancellationToken: stoppingToken),
        };

        // The server has our subscriptions once it answers a ping: only then may gateways re-fetch.
        await nats.PingAsync(stoppingToken);
        outbox.Publish(NatsRoomOutput.SystemReset, ResJson.ResetAllRooms);
        LogServing(logger, nats.Opts.Url, group);
        nats.ConnectionOpened += OnReconnectedAsync;
        try
        {
            // Stopping drains: the server stops sending, and each subscription ends once every request it had sent is handled.
            await using var drain = stoppingToken.Register(() => _ = DrainAsync(subscriptions));
            await Task.WhenAll(subscriptions.Select(ServeAsync));
        }
        finally
        {
            nats.ConnectionOpened -= OnReconnectedAsync;
            foreach (var subscription in subscriptions)
            {
                await subscription.DisposeAsync();
            }
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Starts the drain and the leave together, as soon as the host begins to stop.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        BeginStopping(cancellationToken);
        return Task.CompletedTask;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        BeginStopping(cancellationToken);
        await _drained!;
        await _left!.WaitAsync(cancellationToken);
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void BeginStopping(CancellationToken cancellationToken)
    {
        if (_drained is not null)
        {
            return;
        }

        // Cancels ExecuteAsync's token, which drains; completes once every request taken was handed to the rooms.
        _drained = base.StopAsync(cancellationToken);
        var drained = _drained;
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "res-service-drained", async () =>
        {
            await drained.ContinueWith(_ => { }, TaskScheduler.Default);
            return Akka.Done.Instance;
        });
        _left = MoveRoomsThenLeaveAsync();
    }

    private async Task MoveRoomsThenLeaveAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var left = await ClusterMembership.MoveShardsAwayAsync(system, _rooms, DrainTimeout);
        LogDrained(logger, Stopwatch.GetElapsedTime(started).TotalSeconds, left);
        await ClusterMembership.LeaveAsync(system);
    }

    private static Task DrainAsync(IEnumerable<INatsSub<byte[]>> subscriptions) => Task.WhenAll(subscriptions.Select(async subscription =>
    {
        try
        {
            await subscription.DrainAsync();
        }
        catch (Exception e) when (e is NatsException or ObjectDisposedException or OperationCanceledException)
        {
            // No connection to tell the server: ending the subscription here still ends its reader.
            await subscription.DisposeAsync();
        }
    }));

    /// <summary>Events may have been lost while disconnected: gateways must re-fetch and re-check access.</summary>
    private ValueTask OnReconnectedAsync(object? sender, NatsEventArgs args)
    {
        LogReconnected(logger);
        outbox.Publish(NatsRoomOutput.SystemReset, ResJson.ResetAllRooms);
        return ValueTask.CompletedTask;
    }

    private async Task ServeAsync(INatsSub<byte[]> subscription)
    {
        await foreach (var message in subscription.Msgs.ReadAllAsync())
        {
            Handle(message);
        }
    }

    internal void Handle(NatsMsg<byte[]> message)
    {
        try
        {
            if (message.Subject.StartsWith("conn.", StringComparison.Ordinal))
            {
                HandleDisconnectHint(message);
                return;
            }

            var body = message.Data ?? [];
            var reply = Dispatch(message.Subject, body, message.ReplyTo);
            if (reply is not null && message.ReplyTo is { } inbox)
            {
                outbox.PublishReply(inbox, reply);
            }
        }
        catch (Exception e)
        {
            // A bug, not bad input: answer it all the same, and log where to look, never the payload.
            var correlation = Guid.NewGuid().ToString("N")[..12];
            LogRequestFailed(logger, e, message.Subject, correlation);
            if (message.ReplyTo is { } inbox)
            {
                outbox.Publish(inbox, ResJson.Error(RoomErrors.InternalError, $"Internal error ({correlation})."));
            }
        }
    }

    /// <summary>Answers at once (returns the response) or forwards to the room (returns null).</summary>
    private byte[]? Dispatch(string subject, byte[] body, string? replyTo)
    {
        if (!ResRequest.TrySplitSubject(subject, out var type, out var resourceName, out var method)
            || !RoomResource.TryParse(resourceName, out var resource))
        {
            _badInput.Record("NATS", "no such resource");
            return ResJson.Error(RoomErrors.NotFound, "Not found");
        }

        if (type == ResRequestType.Get)
        {
            // A get carries no token in RES: the gateway asks access first, and only gateways reach NATS.
            IRoomCommand get = resource.Kind switch
            {
                RoomResourceKind.Messages => new GetMessages(resource.RoomId),
                RoomResourceKind.Participants => new GetParticipants(resource.RoomId),
                _ => new GetRoom(resource.RoomId),
            };
            _rooms.Tell(new RoomRequest(get, replyTo));
            return null;
        }

        if (ResRequest.TryReadBody(body, out var document) is { } unreadable)
        {
            _badInput.Record("NATS", unreadable.Code);
            return ResJson.Error(unreadable);
        }

        using (document)
        {
            var root = document.RootElement;
            var unlocked = UnlockedRooms.FromRequest(root);
            switch (type)
            {
                case ResRequestType.Access:
                    return unlocked.Contains(resource.RoomId) ? ResJson.AccessGranted : ResJson.AccessDenied;
                case ResRequestType.Auth:
                    return Unlock(resource, method!, root, unlocked);
                default:
                    // Resgate has asked access before any call; this check holds for whoever else reaches NATS.
                    if (!unlocked.Contains(resource.RoomId))
                    {
                        _badInput.Record("NATS", RoomErrors.AccessDenied);
                        return ResJson.Error(RoomErrors.AccessDenied, "Access denied: unlock the room first.");
                    }

                    if (ResRequest.TryParseCall(resource, method!, root, out var command) is { } rejected)
                    {
                        _badInput.Record("NATS", rejected.Code);
                        return ResJson.Error(rejected);
                    }

                    _rooms.Tell(new RoomRequest(command, replyTo));
                    return null;
            }
        }
    }

    /// <summary>
    /// <c>auth.room.{id}.unlock</c>: a proof whose room id is this room adds the room to the connection's
    /// token. The token event goes out before the reply, on the same connection, so the gateway holds the
    /// new token by the time the client hears that the unlock succeeded (docs/capability.md).
    /// </summary>
    private byte[] Unlock(RoomResource resource, string method, JsonElement root, UnlockedRooms unlocked)
    {
        if (ResRequest.TryParseUnlock(resource, method, root, out var proof, out var cid) is { } rejected)
        {
            _badInput.Record("NATS", rejected.Code);
            return ResJson.Error(rejected);
        }

        if (!RoomCapability.ProofMatches(resource.RoomId, proof))
        {
            _badInput.Record("NATS", RoomErrors.WrongKey);
            return ResJson.Error(RoomErrors.WrongKey, "This link's key does not open this room.");
        }

        if (unlocked.IsFull && !unlocked.Contains(resource.RoomId))
        {
            return ResJson.Error(
                RoomErrors.TooManyRooms,
                $"One connection can hold {UnlockedRooms.MaxRooms} rooms; open this one in a new connection.");
        }

        outbox.Publish($"conn.{cid}.token", ResJson.TokenEvent(unlocked.With(resource.RoomId)));
        return ResJson.NullResult;
    }

    /// <summary><c>conn.{cid}.disconnect</c> from our embedded gateway (docs/architecture.md, "Presence"): a hint, never answered.</summary>
    private void HandleDisconnectHint(NatsMsg<byte[]> message)
    {
        var parts = message.Subject.Split('.');
        if (parts.Length != 3 || parts[1].Length == 0 || message.Data is not { Length: > 0 } data)
        {
            return;
        }

        var cid = parts[1];
        var rooms = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(data, HintDocumentOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("rids", out var rids)
                || rids.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var rid in rids.EnumerateArray())
            {
                if (rid.ValueKind == JsonValueKind.String && RoomResource.TryParse(rid.GetString(), out var resource))
                {
                    rooms.Add(resource.RoomId);
                }
            }
        }
        catch (JsonException)
        {
            return;
        }

        foreach (var roomId in rooms)
        {
            _rooms.Tell(new ConnectionClosed(roomId, cid));
        }
    }

    public override void Dispose()
    {
        _badInput.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Stopping: rooms moved away in {Seconds:F1} s; shards left for the leave: {Left} (-1: not moved, alone in the cluster or the move could not start)")]
    private static partial void LogDrained(ILogger logger, double seconds, int left);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Serving room.* on {Url} in queue group {QueueGroup}")]
    private static partial void LogServing(ILogger logger, string url, string queueGroup);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Reconnected to NATS; published system.reset")]
    private static partial void LogReconnected(ILogger logger);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Request on {Subject} failed (correlation {Correlation})")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, string subject, string correlation);
}
