using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace Chat.Actors.Rooms;

/// <summary>
/// One room: recovers its <see cref="RoomState"/>, persists what <see cref="RoomState.Decide"/>
/// returns, and hands changes and replies to <see cref="IRoomOutput"/>.
/// <para>
/// Group commit: while one journal write is in flight, the commands that arrive are decided against
/// the state that write will produce and queued; when it completes they go out together as the next
/// write. Nothing is published and no reply is sent before the events behind it are durable, and
/// steps are published in the order they were decided.
/// </para>
/// </summary>
public sealed class RoomActor : UntypedPersistentActor, IWithTimers
{
    private const string SweepTimer = "presence-sweep";
    private const string GraceTimer = "grace";
    private const string SlowWriteTimer = "slow-write";

    private readonly string _roomId;
    private readonly RoomActorSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // Durable and published: what gets and queries see.
    private RoomState _state;

    // _state plus every in-flight and queued step: what new commands are decided against.
    private RoomState _decided;
    private readonly List<Step> _queued = [];
    private Batch? _inFlight;
    private bool _stopRequested;
    private bool _heldOff;
    private ICancelable? _holdOffEnds;
    private long _writes;
    private long _eventsWritten;
    private long _snapshotAtSequenceNr;

    public RoomActor(string roomId, RoomActorSettings settings)
    {
        _roomId = roomId;
        _settings = settings;
        _state = RoomState.Create(roomId, settings.Options);
        _decided = _state;
        PersistenceId = RoomIds.PersistenceIdOf(roomId);
    }

    public static Props Props(string roomId, RoomActorSettings settings) =>
        Akka.Actor.Props.Create(() => new RoomActor(roomId, settings));

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

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

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: RoomSnapshot snapshot } offer:
                _state = RoomState.FromSnapshot(snapshot, _settings.Options);
                _snapshotAtSequenceNr = offer.Metadata.SequenceNr;
                break;
            case IPersistedRoomEvent e:
                _state = _state.Apply(e);
                break;
            case RecoveryCompleted:
                if (_settings.Waiting.Reached(_roomId) is { } since)
                {
                    _log.Info("Room {RoomId} reached the database again after {Seconds:F1} s", _roomId, (_settings.Clock.GetUtcNow() - since).TotalSeconds);
                }

                _decided = _state;
                RoomMetrics.RoomsStarted.Add(1);
                _settings.Output.RoomStarted(_roomId);
                UpdateTimers();
                break;
        }
    }

    protected override void OnCommand(object message)
    {
        switch (message)
        {
            case RoomRequest request:
                Handle(request.Command, new ReplyTarget(Sender, request.ReplySubject));
                break;
            case IRoomCommand command:
                Handle(command, new ReplyTarget(Sender, null));
                break;
            case HistoryLoaded loaded:
                _settings.Output.Emit(_roomId, [], loaded.Reply, loaded.ReplyTo);
                break;
            case SlowWrite slow:
                NoticeSlowWrite(slow.Batch);
                break;
            case WakeRoom:
                // Recovery has already started the grace timer if the room is active and empty.
                break;
            case GetRoomStats:
                Sender.Tell(new RoomStats(_roomId, _writes, _eventsWritten, LastSequenceNr));
                break;
            case StopRoom:
                _stopRequested = true;
                StopWhenIdle();
                break;
            case SaveSnapshotSuccess saved:
                DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
                break;
            case SaveSnapshotFailure failed:
                _log.Warning(failed.Cause, "Room {RoomId} could not save its snapshot at {SequenceNr}", _roomId, failed.Metadata.SequenceNr);
                break;
            case DeleteSnapshotsSuccess or DeleteSnapshotsFailure:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void Handle(IRoomCommand command, ReplyTarget replyTo)
    {
        var now = _settings.Clock.GetUtcNow();
        if (RoomState.IsQuery(command))
        {
            // Reads see only what is durable and published, so a get never shows an unacknowledged message.
            var answer = _state.Decide(command, now);
            if (answer.HistoryToLoad is { } range)
            {
                LoadHistory(range, replyTo);
            }
            else
            {
                _settings.Output.Emit(_roomId, [], answer.Reply, replyTo);
            }

            return;
        }

        var decision = _decided.Decide(command, now);
        var step = new Step(decision, replyTo, Stopwatch.GetTimestamp());
        if (!decision.HasPersistedEvents && _inFlight is null && _queued.Count == 0)
        {
            Publish(step);
            _decided = _state;
            UpdateTimers();
            return;
        }

        _queued.Add(step);
        foreach (var e in decision.Events)
        {
            _decided = _decided.Apply(e);
        }

        Drain();
    }

    /// <summary>Publishes queued steps that need no write, and starts the next write if none is in flight.</summary>
    private void Drain()
    {
        while (_inFlight is null && _queued.Count > 0)
        {
            if (_queued[0].Decision.HasPersistedEvents)
            {
                Write();
            }
            else
            {
                Publish(_queued[0]);
                _queued.RemoveAt(0);
            }
        }

        if (_inFlight is null)
        {
            _decided = _state;
            UpdateTimers();
            StopWhenIdle();
        }
    }

    private void Write()
    {
        var steps = new List<Step>();
        var events = new List<IPersistedRoomEvent>();
        var taken = 0;
        foreach (var step in _queued)
        {
            var persisted = step.Decision.Events.OfType<IPersistedRoomEvent>().ToList();
            if (steps.Count > 0 && events.Count + persisted.Count > _settings.Options.MaxWriteBatch)
            {
                break;
            }

            steps.Add(step);
            events.AddRange(persisted);
            taken++;
        }

        _queued.RemoveRange(0, taken);
        var batch = new Batch(steps, Stopwatch.GetTimestamp());
        _inFlight = batch;
        _writes++;
        _eventsWritten += events.Count;
        RoomMetrics.JournalWrites.Add(1);
        RoomMetrics.WriteBatch.Record(events.Count);
        Timers.StartSingleTimer(SlowWriteTimer, new SlowWrite(batch), _settings.Options.SlowWriteNotice);
        PersistAllAsync(events, _ => { }, () => Complete(batch));
    }

    private void NoticeSlowWrite(Batch batch)
    {
        if (!ReferenceEquals(_inFlight, batch))
        {
            return;
        }

        foreach (var step in batch.Steps.Concat(_queued))
        {
            if (step.Decision.Reply is not null)
            {
                _settings.Output.StillWorking(step.ReplyTo);
            }
        }
    }

    private void Complete(Batch batch)
    {
        if (!ReferenceEquals(_inFlight, batch))
        {
            return;
        }

        _inFlight = null;
        Timers.Cancel(SlowWriteTimer);
        RoomMetrics.JournalDuration.Record(Stopwatch.GetElapsedTime(batch.Started).TotalMilliseconds);
        foreach (var step in batch.Steps)
        {
            Publish(step);
            RoomMetrics.CommandDuration.Record(Stopwatch.GetElapsedTime(step.Received).TotalMilliseconds);
            RoomMetrics.MessagesStored.Add(step.Decision.Events.Count(e => e is MessageAppended));
        }

        if (LastSequenceNr - _snapshotAtSequenceNr >= _settings.Options.SnapshotEvery)
        {
            SaveSnapshot(_state.ToSnapshot());
            _snapshotAtSequenceNr = LastSequenceNr;
        }

        Drain();
    }

    private void Publish(Step step)
    {
        var changes = new List<RoomChange>();
        foreach (var e in step.Decision.Events)
        {
            _state = _state.Apply(e, changes);
        }

        if (changes.Count > 0 || step.Decision.Reply is not null)
        {
            _settings.Output.Emit(_roomId, changes, step.Decision.Reply, step.ReplyTo);
        }
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

    private int PendingReplies() => (_inFlight?.Steps.Count ?? 0) + _queued.Count;

    private void FailPending()
    {
        RoomMetrics.WriteFailures.Add(1);
        var pending = (_inFlight?.Steps ?? []).Concat(_queued).ToList();
        _inFlight = null;
        _queued.Clear();
        _decided = _state;
        foreach (var step in pending)
        {
            if (step.Decision.Reply is not null)
            {
                _settings.Output.Emit(_roomId, [], RoomErrors.JournalUnavailable, step.ReplyTo);
            }
        }
    }

    private void LoadHistory(SeqRange range, ReplyTarget replyTo)
    {
        if (_settings.History is not { } history)
        {
            _settings.Output.Emit(_roomId, [], new RoomRejected(RoomErrors.InternalError, "History is not available on this node."), replyTo);
            return;
        }

        // The page is cut by the room's rules when the read completes, on another thread: the state is
        // immutable, so this one can be used there.
        var state = _state;
        history.ReadAsync(_roomId, range, CancellationToken.None).PipeTo(
            Self,
            success: messages => new HistoryLoaded(replyTo, state.HistoryPageOf(messages)),
            failure: ex =>
            {
                _log.Warning(ex, "Room {RoomId} could not read history", _roomId);
                return new HistoryLoaded(replyTo, RoomErrors.JournalUnavailable);
            });
    }

    private void UpdateTimers()
    {
        if (_state.Status != RoomStatus.Active)
        {
            Timers.Cancel(SweepTimer);
            Timers.Cancel(GraceTimer);
            return;
        }

        if (_state.Members.IsEmpty)
        {
            Timers.Cancel(SweepTimer);
            if (!Timers.IsTimerActive(GraceTimer))
            {
                Timers.StartSingleTimer(GraceTimer, new EndGracePeriod(_roomId), _settings.Options.GracePeriod);
            }
        }
        else
        {
            Timers.Cancel(GraceTimer);
            if (!Timers.IsTimerActive(SweepTimer))
            {
                var interval = _settings.Options.PresenceSweepInterval;
                Timers.StartPeriodicTimer(SweepTimer, new ExpireMembers(_roomId), interval, interval);
            }
        }
    }

    private void StopWhenIdle()
    {
        if (_stopRequested && _inFlight is null && _queued.Count == 0)
        {
            Context.Stop(Self);
        }
    }

    /// <param name="Received">When the actor took the command (<see cref="Stopwatch"/> timestamp), for <see cref="RoomMetrics.CommandDuration"/>.</param>
    private sealed record Step(Decision Decision, ReplyTarget ReplyTo, long Received);

    /// <param name="Started">When the write was handed to the journal, for <see cref="RoomMetrics.JournalDuration"/>.</param>
    private sealed record Batch(List<Step> Steps, long Started);

    private sealed record SlowWrite(Batch Batch);

    private sealed class HoldOffEnded : IDeadLetterSuppression
    {
        public static readonly HoldOffEnded Instance = new();
    }

    private sealed record HistoryLoaded(ReplyTarget ReplyTo, RoomReply Reply);
}
