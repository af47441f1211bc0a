using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Chat.Actors.Rooms;

namespace Chat.Actors.Persistence;

/// <summary>
/// Recovers one persistence id read-only, the way a room does (snapshot, events, the room's own replay
/// code), then stops; it never writes, so it may read a room that lives on another node. Used by
/// <see cref="PersistenceWarmUp"/>.
/// </summary>
public sealed class ReplayWarmUp : UntypedPersistentActor
{
    /// <summary>A room replays at most a snapshot interval of events; this bounds a room that has none.</summary>
    private const long ReplayMax = 1000;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private RoomState _state;
    private long _events;

    public ReplayWarmUp(string persistenceId, RoomOptions rooms)
    {
        PersistenceId = persistenceId;
        var roomId = persistenceId.StartsWith(RoomIds.PersistencePrefix, StringComparison.Ordinal)
            ? persistenceId[RoomIds.PersistencePrefix.Length..]
            : persistenceId;
        _state = RoomState.Create(roomId, rooms);
        Rooms = rooms;
    }

    public override string PersistenceId { get; }

    public override Recovery Recovery => new(SnapshotSelectionCriteria.Latest, long.MaxValue, ReplayMax);

    private RoomOptions Rooms { get; }

    public static Props Props(string persistenceId, RoomOptions rooms) =>
        Akka.Actor.Props.Create(() => new ReplayWarmUp(persistenceId, rooms));

    protected override void OnRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: RoomSnapshot snapshot }:
                _state = RoomState.FromSnapshot(snapshot, Rooms);
                break;
            case IPersistedRoomEvent e:
                _state = _state.Apply(e);
                _events++;
                break;
            case RecoveryCompleted:
                _log.Debug("Warm-up replayed {0} events", _events);
                Context.System.EventStream.Publish(new PersistenceWarmedUp(PersistenceId, _events));
                Context.Stop(Self);
                break;
        }
    }

    protected override void OnCommand(object message) => Unhandled(message);

    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        _log.Info("Warm-up recovery failed ({0}); the node's first room recoveries will be slower", reason.GetType().Name);
}

/// <summary>Published on the event stream when a warm-up recovery has completed.</summary>
public sealed record PersistenceWarmedUp(string PersistenceId, long Events);
