using System.Collections.Immutable;

namespace Chat.Actors.Rooms;

/// <summary>Reads messages older than a room's in-memory window.</summary>
public interface IRoomHistory
{
    /// <summary>Messages of the room with <paramref name="range"/>.From &lt;= seq &lt;= To, oldest first.</summary>
    Task<ImmutableArray<StoredMessage>> ReadAsync(string roomId, SeqRange range, CancellationToken cancellationToken);
}
