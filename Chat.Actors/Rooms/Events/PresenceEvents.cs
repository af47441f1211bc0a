namespace Chat.Actors.Rooms;

// Presence is never persisted (docs/architecture.md, "Presence"): these events change the in-memory state only
// and are lost, on purpose, when the room stops.

public sealed record MemberJoined(string Member, string? Cid, SealedBox Profile, DateTimeOffset At) : IRoomEvent;

/// <summary>A present member joined again (reload, reconnect): new cid and possibly a new profile.</summary>
public sealed record MemberRejoined(string Member, string? Cid, SealedBox Profile, DateTimeOffset At) : IRoomEvent;

/// <summary>A heartbeat: the member is alive, possibly on a new connection.</summary>
public sealed record MemberSeen(string Member, string? Cid, DateTimeOffset At) : IRoomEvent;

/// <summary>
/// The member's send was accepted: it spends from the member's, the connection's (<see cref="Cid"/>,
/// when the request carried one) and the room's budgets, <see cref="Bytes"/> of ciphertext from the
/// room's byte budget, and counts as a sign of life.
/// </summary>
public sealed record MemberSent(string Member, string? Cid, int Bytes, DateTimeOffset At) : IRoomEvent;

/// <summary>A member's typing notice, relayed as it is; it counts as a sign of life.</summary>
public sealed record MemberTyping(string Member, string? Cid, SealedBox Box, DateTimeOffset At) : IRoomEvent;

public enum DepartureReason
{
    Left,
    Expired,
    Disconnected,
}

public sealed record MemberDeparted(string Member, DepartureReason Reason) : IRoomEvent;
