using System.Text;
using System.Text.Json.Serialization;
using Chat.Actors.Serialization;

namespace Chat.Actors.Rooms;

/// <summary>Everything addressed to one room; sharding routes on <see cref="RoomId"/>.</summary>
public interface IWithRoomId
{
    string RoomId { get; }
}

/// <summary>
/// A request to a room. Parameters arrive as the client sent them (strings, nullable) and are
/// validated by <see cref="RoomState.Decide"/>, so a malformed command is answered, never thrown.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(JoinRoom), "join")]
[JsonDerivedType(typeof(Heartbeat), "heartbeat")]
[JsonDerivedType(typeof(LeaveRoom), "leave")]
[JsonDerivedType(typeof(Typing), "typing")]
[JsonDerivedType(typeof(SendMessage), "send")]
[JsonDerivedType(typeof(GetHistory), "history")]
[JsonDerivedType(typeof(ConnectionClosed), "connectionClosed")]
[JsonDerivedType(typeof(GetRoom), "getRoom")]
[JsonDerivedType(typeof(GetMessages), "getMessages")]
[JsonDerivedType(typeof(GetParticipants), "getParticipants")]
public interface IRoomCommand : IWithRoomId, IChatMessage;

/// <summary>A command that only reads: answered at once from durable state, never queued behind a write.</summary>
public interface IRoomQuery : IRoomCommand;

public sealed record JoinRoom(string RoomId, string? Member, string? Cid, EncryptedPayload? Profile) : IRoomCommand;

public sealed record Heartbeat(string RoomId, string? Member, string? Cid) : IRoomCommand;

public sealed record LeaveRoom(string RoomId, string? Member) : IRoomCommand;

/// <summary>
/// A member is writing (docs/architecture.md, "Presence"): relayed to subscribers as the custom event
/// <c>event.room.{id}.typing</c>, never stored. <see cref="Box"/> is sealed under the room key, so only
/// link holders can read it or make one the others accept.
/// </summary>
public sealed record Typing(string RoomId, string? Member, string? Cid, EncryptedPayload? Box) : IRoomCommand;

/// <summary>A message to store; <see cref="Cid"/> is the sender's connection, as the gateway put it in the request.</summary>
public sealed record SendMessage(string RoomId, string? Id, string? Ciphertext, string? Nonce, string? Member, string? Cid = null) : IRoomCommand
{
    // Records print their values; payloads must never reach a log line, even encrypted.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("RoomId = ").Append(RoomId).Append(", Id = ").Append(Id)
            .Append(", Ciphertext = ").Append(Ciphertext?.Length ?? 0).Append(" chars");
        return true;
    }
}

/// <summary>Messages with seq below <see cref="Before"/>, the newest <see cref="Limit"/> of them, oldest first.</summary>
public sealed record GetHistory(string RoomId, long? Before, int? Limit) : IRoomQuery;

/// <summary>A gateway saw connection <see cref="Cid"/> close (docs/architecture.md, "Presence"): a hint, never required.</summary>
public sealed record ConnectionClosed(string RoomId, string Cid) : IRoomCommand;

public sealed record GetRoom(string RoomId) : IRoomQuery;

public sealed record GetMessages(string RoomId) : IRoomQuery;

public sealed record GetParticipants(string RoomId) : IRoomQuery;

/// <summary>Timer tick: drop members whose heartbeat is overdue.</summary>
public sealed record ExpireMembers(string RoomId) : IRoomCommand;

/// <summary>Timer tick: the grace period after the last participant left has run out.</summary>
public sealed record EndGracePeriod(string RoomId) : IRoomCommand;
