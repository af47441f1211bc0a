namespace Chat.Actors.Rooms;

/// <summary>The presence timer a room runs, as <see cref="RoomState.PresenceTimer"/> decides.</summary>
public enum PresenceTimer
{
    None,
    Grace,
    Sweep,
}
