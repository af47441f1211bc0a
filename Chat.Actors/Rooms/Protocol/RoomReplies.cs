using System.Collections.Immutable;
using Chat.Actors.Serialization;

namespace Chat.Actors.Rooms;

/// <summary>What a room answers. A reply to a write is only sent once its events are durable.</summary>
public abstract record RoomReply : IChatMessage;

/// <summary>Join succeeded; RES answers it with a resource response for the room's model.</summary>
public sealed record Joined(string RoomId) : RoomReply;

/// <summary>A call that succeeded with no result (RES <c>null</c>).</summary>
public sealed record Done : RoomReply
{
    public static readonly Done Instance = new();
}

public sealed record MessageAccepted(long Seq) : RoomReply;

public sealed record HistoryPage(ImmutableArray<StoredMessage> Messages) : RoomReply;

/// <summary>A refusal; <see cref="RetryAfter"/>, when set, says how long to wait before the same request can succeed.</summary>
public sealed record RoomRejected(string Code, string Message, TimeSpan? RetryAfter = null) : RoomReply;


/// <summary>The <c>room.{id}</c> model; the same for every caller.</summary>
public sealed record RoomModel(
    string Id,
    RoomStatus Status,
    DateTimeOffset? CreatedAt,
    int ParticipantCount,
    long MessageCount) : RoomReply;

/// <summary>The <c>room.{id}.messages</c> collection: the window, oldest first.</summary>
public sealed record MessageList(ImmutableArray<StoredMessage> Messages) : RoomReply;

/// <summary>The <c>room.{id}.participants</c> collection, in join order.</summary>
public sealed record ParticipantList(ImmutableArray<Participant> Participants) : RoomReply;
