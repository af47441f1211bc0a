using System.Diagnostics;
using Akka.Actor;
using Akka.Event;

namespace Chat.Actors.Rooms;

/// <summary>
/// What a room does while the journal is away (docs/rooms.md, "When the database goes away"): it holds
/// off instead of recovering on every request, answers what it cannot store <c>room.unavailable</c>,
/// and says so in the log once per outage.
/// </summary>
public sealed partial class RoomActor
{
    /// <summary>
    /// A room that waits for the database and whose back-off has not passed does not recover: it
    /// answers every request <c>room.unavailable</c> itself until the back-off ends, then asks its shard
    /// to passivate it, so the next request starts a recovery (docs/rooms.md). It must not simply stop:
    /// a message the shard sends to an entity at the moment it stops by itself can vanish without even
    /// becoming a dead letter, and a room stopping as it started hit that race a few times in 10,000 starts.
    /// Passivating, the shard holds the requests that arrive until the room is gone and then starts it again.
    /// </summary>
    public override void AroundPreStart()
    {
        var holdOff = _settings.Waiting.HoldOff(_roomId, _settings.Clock.GetUtcNow());
        if (holdOff > TimeSpan.Zero)
        {
            _heldOff = true;
            // Not a timer: timers are unwrapped in the base AroundReceive, which a held-off room bypasses.
            _holdOffEnds = Context.System.Scheduler.ScheduleTellOnceCancelable(holdOff, Self, HoldOffEnded.Instance, Self);
            return;
        }

        RoomMetrics.Recoveries.Add(1);
        _recoveryStarted = Stopwatch.GetTimestamp();
        base.AroundPreStart();
    }

    protected override void PostStop()
    {
        _holdOffEnds?.Cancel();
        base.PostStop();
    }

    protected override bool AroundReceive(Receive receive, object message)
    {
        if (!_heldOff)
        {
            return base.AroundReceive(receive, message);
        }

        switch (message)
        {
            case RoomRequest request:
                _settings.Output.Emit(_roomId, [], RoomErrors.JournalUnavailable, new ReplyTarget(Sender, request.ReplySubject));
                break;
            case IRoomCommand when !Sender.IsNobody() && !Sender.Equals(Context.System.DeadLetters):
                _settings.Output.Emit(_roomId, [], RoomErrors.JournalUnavailable, new ReplyTarget(Sender, null));
                break;
            case HoldOffEnded:
                Context.Parent.Tell(new Akka.Cluster.Sharding.Passivate(StopRoom.Instance));
                break;
            case StopRoom:
                Context.Stop(Self);
                break;
        }

        return true;
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The actor stops after this; it recovers on the next message and the journal decides what
        // was stored. Nobody was told "stored" for any of these, so a retry with the same id is safe.
        if (_settings.Waiting.Failed(_roomId, _settings.Clock.GetUtcNow()))
        {
            _log.Error(cause, "Room {RoomId} waits for the database: a journal write failed at {SequenceNr}; answering {Count} requests as unavailable until it is back",
                _roomId, sequenceNr, PendingReplies());
        }

        FailPending();
    }

    /// <summary>
    /// Replaces Akka's own log line, which a room retried by every request during an outage would write
    /// each time: one line when the room starts waiting, one when it is back (docs/rooms.md). The actor
    /// stops after this, as Akka.Persistence requires; requests that were waiting for the recovery become
    /// dead letters and are answered <c>room.unavailable</c> by <see cref="UnansweredRequests"/>.
    /// </summary>
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        if (_settings.Waiting.Failed(_roomId, _settings.Clock.GetUtcNow()))
        {
            _log.Error(reason, "Room {RoomId} waits for the database: its recovery failed; requests are answered as unavailable until it is back", _roomId);
        }
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "Room {RoomId} journal rejected a write at {SequenceNr}", _roomId, sequenceNr);
        FailPending();
    }

    private int PendingReplies() => _commit.Pending.Count();

    private void FailPending()
    {
        RoomMetrics.WriteFailures.Add(1);
        foreach (var step in _commit.Fail().Where(s => s.Decision.Reply is not null))
        {
            _settings.Output.Emit(_roomId, [], RoomErrors.JournalUnavailable, step.ReplyTo);
        }
    }

    private sealed class HoldOffEnded : IDeadLetterSuppression
    {
        public static readonly HoldOffEnded Instance = new();
    }
}
