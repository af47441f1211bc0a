using System.Collections.Immutable;
using Chat.Actors.Serialization;

namespace Chat.Actors.Rooms;

/// <summary>
/// What a room needs to resume without replaying its whole journal: status, seq, the window and the
/// dedupe ids (in seq order; their seqs follow from <see cref="LastSeq"/>). Never presence.
/// </summary>
public sealed record RoomSnapshot(
    string RoomId,
    RoomStatus Status,
    DateTimeOffset? CreatedAt,
    long LastSeq,
    ImmutableArray<StoredMessage> Window,
    ImmutableArray<Guid> RecentIds) : IChatMessage;
