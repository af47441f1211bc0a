namespace Chat.Actors.Rooms;

/// <summary>Where a room is in its life: new until the first join, active, closed for good.</summary>
public enum RoomStatus
{
    New,
    Active,
    Closed,
}
