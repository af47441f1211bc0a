namespace Chat.Actors.Rooms;

/// <summary>What every room on a node shares: limits, where results go, history reads and the clock.</summary>
public sealed record RoomActorSettings(RoomOptions Options, IRoomOutput Output, IRoomHistory? History, TimeProvider Clock)
{
    /// <summary>Shared by the node's rooms: which of them are waiting for the database.</summary>
    public RoomsWaitingForDatabase Waiting { get; init; } = new();
}
