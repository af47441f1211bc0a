using System.Text.Json.Serialization;
using Chat.Actors.Serialization;

namespace Chat.Actors.Rooms;

/// <summary>
/// A command with the NATS reply subject of the request that carried it. The RES adapter on any
/// node sends it through sharding; the room's node answers on that subject.
/// </summary>
public sealed record RoomRequest(IRoomCommand Command, string? ReplySubject) : IWithRoomId, IChatMessage
{
    [JsonIgnore]
    public string RoomId => Command.RoomId;
}

/// <summary>Hand-off and passivation stop: processed after in-flight writes, unlike a PoisonPill.</summary>
public sealed record StopRoom : IChatMessage
{
    public static readonly StopRoom Instance = new();
}

/// <summary>Starts the room if it is not running (the sweep after a failover); changes nothing else.</summary>
public sealed record WakeRoom(string RoomId) : IWithRoomId, IChatMessage;

/// <summary>Debug query: how the room has written to its journal.</summary>
public sealed record GetRoomStats(string RoomId) : IWithRoomId, IChatMessage;

/// <summary>
/// <see cref="Writes"/> counts journal writes (one per group commit), <see cref="EventsWritten"/>
/// the events they carried: their ratio is the average batch.
/// </summary>
public sealed record RoomStats(string RoomId, long Writes, long EventsWritten, long LastSequenceNr) : IChatMessage;
