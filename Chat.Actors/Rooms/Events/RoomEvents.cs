using Chat.Actors.Serialization;

namespace Chat.Actors.Rooms;

/// <summary>Anything <see cref="RoomState.Apply(IRoomEvent)"/> understands.</summary>
public interface IRoomEvent;

/// <summary>
/// The events of docs/architecture.md, "Events and persistence", written to the journal. Their JSON shapes are frozen per manifest
/// version; a change of shape is a new record and a new manifest.
/// </summary>
public interface IPersistedRoomEvent : IRoomEvent, IWithRoomId, IChatMessage
{
    DateTimeOffset At { get; }
}

public sealed record RoomActivated(string RoomId, DateTimeOffset At) : IPersistedRoomEvent;

/// <summary>
/// A stored message. <see cref="Member"/> is the sender stamp: the member id the room authenticated by its
/// member key, so readers can check it against the member named inside the decrypted body. Written as
/// <c>MessageAppended.v2</c>; <c>.v1</c> events (before member keys) read with no stamp.
/// </summary>
public sealed record MessageAppended(
    string RoomId,
    Guid MessageId,
    long Seq,
    byte[] Ciphertext,
    byte[] Nonce,
    DateTimeOffset At,
    string? Member = null) : IPersistedRoomEvent;

public sealed record RoomDeactivated(string RoomId, DateTimeOffset At) : IPersistedRoomEvent;
