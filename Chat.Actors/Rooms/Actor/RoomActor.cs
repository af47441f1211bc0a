using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace Chat.Actors.Rooms;

/// <summary>
/// One room: recovers its <see cref="RoomState"/>, decides each command, persists what
/// <see cref="GroupCommit"/> says to write, and publishes changes and replies through
/// <see cref="IRoomOutput"/> once they are durable. Queries are answered from durable state at once.
/// What it does while the journal is away is in <c>RoomActor.Database.cs</c>.
/// </summary>
public sealed partial class RoomActor : UntypedPersistentActor, IWithTimers
{
    private const string SweepTimer = "presence-sweep";
    private const string GraceTimer = "grace";
    private const string SlowWriteTimer = "slow-write";

    private readonly string _roomId;
    private readonly RoomActorSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private readonly GroupCommit _commit;
    private bool _stopRequested;
    private bool _heldOff;
    private ICancelable? _holdOffEnds;
    private long _writeStarted;
    private long _recoveryStarted;
    private long _writes;
    private long _eventsWritten;
    private long _snapshotAtSequenceNr;

    public RoomActor(string roomId, RoomActorSettings settings)
    {
        _roomId = roomId;
        _settings = settings;
        _commit = new GroupCommit(RoomState.Create(roomId, settings.Options), settings.Options.MaxWriteBatch);
        PersistenceId = RoomIds.PersistenceIdOf(roomId);
    }

    public static Props Props(string roomId, RoomActorSettings settings) =>
        Akka.Actor.Props.Create(() => new RoomActor(roomId, settings));

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: RoomSnapshot snapshot } offer:
                _commit.Recovered(RoomState.FromSnapshot(snapshot, _settings.Options));
                _snapshotAtSequenceNr = offer.Metadata.SequenceNr;
                break;
            case IPersistedRoomEvent e:
                _commit.Recovered(_commit.Durable.Apply(e));
                break;
            case RecoveryCompleted:
                if (_settings.Waiting.Reached(_roomId) is { } since)
                {
                    _log.Info("Room {RoomId} reached the database again after {Seconds:F1} s", _roomId, (_settings.Clock.GetUtcNow() - since).TotalSeconds);
                }

                RoomMetrics.RoomsStarted.Add(1);
                RoomMetrics.RecoveryDuration.Record(Stopwatch.GetElapsedTime(_recoveryStarted).TotalMilliseconds);
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
        if (command is IRoomQuery)
        {
            // Reads see only what is durable and published, so a get never shows an unacknowledged message.
            var answer = _commit.Durable.Decide(command, now);
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

        _commit.Enqueue(new CommitStep(_commit.Decided.Decide(command, now), replyTo, Stopwatch.GetTimestamp()));
        Drain();
    }

    /// <summary>Publishes what needs no write, starts the next write if none is in flight, and otherwise settles.</summary>
    private void Drain()
    {
        var drained = _commit.Drain();
        Emit(drained.Published);
        if (drained.Write is { } batch)
        {
            Write(batch);
        }
        else if (_commit.InFlight is null)
        {
            UpdateTimers();
            StopWhenIdle();
        }
    }

    private void Write(CommitBatch batch)
    {
        _writeStarted = Stopwatch.GetTimestamp();
        _writes++;
        _eventsWritten += batch.Events.Count;
        RoomMetrics.JournalWrites.Add(1);
        RoomMetrics.WriteBatch.Record(batch.Events.Count);
        Timers.StartSingleTimer(SlowWriteTimer, new SlowWrite(batch), _settings.Options.SlowWriteNotice);
        PersistAllAsync(batch.Events, _ => { }, () => Complete(batch));
    }

    private void NoticeSlowWrite(CommitBatch batch)
    {
        if (!ReferenceEquals(_commit.InFlight, batch))
        {
            return;
        }

        foreach (var step in _commit.Pending.Where(s => s.Decision.Reply is not null))
        {
            _settings.Output.StillWorking(step.ReplyTo);
        }
    }

    private void Complete(CommitBatch batch)
    {
        if (_commit.Complete(batch) is not { } published)
        {
            return;
        }

        Timers.Cancel(SlowWriteTimer);
        RoomMetrics.JournalDuration.Record(Stopwatch.GetElapsedTime(_writeStarted).TotalMilliseconds);
        Emit(published);
        foreach (var step in batch.Steps)
        {
            RoomMetrics.CommandDuration.Record(Stopwatch.GetElapsedTime(step.Received).TotalMilliseconds);
            RoomMetrics.MessagesStored.Add(step.Decision.Events.Count(e => e is MessageAppended));
        }

        if (LastSequenceNr - _snapshotAtSequenceNr >= _settings.Options.SnapshotEvery)
        {
            SaveSnapshot(_commit.Durable.ToSnapshot());
            _snapshotAtSequenceNr = LastSequenceNr;
        }

        Drain();
    }

    private void Emit(IEnumerable<PublishedStep> published)
    {
        foreach (var (step, changes) in published)
        {
            if (changes.Count > 0 || step.Decision.Reply is not null)
            {
                _settings.Output.Emit(_roomId, changes, step.Decision.Reply, step.ReplyTo);
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
        var state = _commit.Durable;
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
        var timer = _commit.Durable.PresenceTimer;
        if (timer != PresenceTimer.Sweep)
        {
            Timers.Cancel(SweepTimer);
        }

        if (timer != PresenceTimer.Grace)
        {
            Timers.Cancel(GraceTimer);
        }

        if (timer == PresenceTimer.Grace && !Timers.IsTimerActive(GraceTimer))
        {
            Timers.StartSingleTimer(GraceTimer, new EndGracePeriod(_roomId), _settings.Options.GracePeriod);
        }
        else if (timer == PresenceTimer.Sweep && !Timers.IsTimerActive(SweepTimer))
        {
            var interval = _settings.Options.PresenceSweepInterval;
            Timers.StartPeriodicTimer(SweepTimer, new ExpireMembers(_roomId), interval, interval);
        }
    }

    private void StopWhenIdle()
    {
        if (_stopRequested && _commit.IsIdle)
        {
            Context.Stop(Self);
        }
    }

    private sealed record SlowWrite(CommitBatch Batch);

    private sealed record HistoryLoaded(ReplyTarget ReplyTo, RoomReply Reply);
}
