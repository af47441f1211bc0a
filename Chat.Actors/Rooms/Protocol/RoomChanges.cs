namespace Chat.Actors.Rooms;

/// <summary>
/// A change of one of the room's resources, in the order clients must see them. The RES adapter
/// turns each into an event; they are derived from applied events, so they are never persisted.
/// </summary>
public abstract record RoomChange;

/// <summary>The model changed; adapters publish only the properties that differ.</summary>
public sealed record RoomModelChanged(RoomModel Before, RoomModel After) : RoomChange;

public sealed record ParticipantAdded(int Index, Participant Participant) : RoomChange;

public sealed record ParticipantRemoved(int Index) : RoomChange;

public sealed record MessageAdded(int Index, StoredMessage Message) : RoomChange;

public sealed record MessageRemoved(int Index) : RoomChange;

/// <summary>A member is typing: a custom event on the room's model, for subscribers only, never part of any resource's data.</summary>
public sealed record TypingNoticed(string Member, SealedBox Box) : RoomChange;
