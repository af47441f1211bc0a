using System.Collections.Concurrent;

namespace Chat.Actors.Rooms;

/// <summary>
/// The rooms of this node that could not reach the journal since they last did: a room whose recovery or
/// write fails is stopped (and started again by the next request), so what it knew about the outage
/// lives here, outside the actor. It keeps the log to one line when a room starts waiting and one when it
/// is back, however many times it is retried in between, and counts the rooms waiting
/// (<see cref="RoomMetrics.WaitingForDatabase"/>).
/// </summary>
public sealed class RoomsWaitingForDatabase
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _since = new(StringComparer.Ordinal);

    public int Count => _since.Count;

    /// <summary>Records that the room failed to reach the journal; true only the first time until it is back.</summary>
    public bool Failed(string roomId, DateTimeOffset now)
    {
        if (!_since.TryAdd(roomId, now))
        {
            return false;
        }

        RoomMetrics.WaitingForDatabase.Add(1);
        return true;
    }

    /// <summary>Records that the room reached the journal; returns since when it had waited, or null if it had not.</summary>
    public DateTimeOffset? Reached(string roomId)
    {
        if (!_since.TryRemove(roomId, out var since))
        {
            return null;
        }

        RoomMetrics.WaitingForDatabase.Add(-1);
        return since;
    }
}
