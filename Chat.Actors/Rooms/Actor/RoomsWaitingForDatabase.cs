using System.Collections.Concurrent;

namespace Chat.Actors.Rooms;

/// <summary>
/// The rooms of this node that could not reach the journal since they last did. A room whose recovery
/// or write fails is stopped, as Akka.Persistence requires, and the next request would start it again at
/// once; what it knew about the outage therefore lives here, outside the actor (docs/rooms.md):
/// <list type="bullet">
/// <item>the log holds one line when a room starts waiting and one when it is back;</item>
/// <item>a waiting room recovers at most once per back-off period (0.25 s doubling up to
/// <see cref="MaxBackOff"/>); in between it answers requests <c>room.unavailable</c> without a
/// recovery (<see cref="HoldOff"/>);</item>
/// <item><see cref="RoomMetrics.WaitingForDatabase"/> counts the rooms waiting.</item>
/// </list>
/// </summary>
public sealed class RoomsWaitingForDatabase
{
    public static readonly TimeSpan FirstBackOff = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Waiting> _rooms = new(StringComparer.Ordinal);
    private long _retries;

    public int Count => _rooms.Count;

    /// <summary>Recoveries started by rooms that were waiting for the database, since this node started.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Records that the room failed to reach the journal; true only the first time until it is back.</summary>
    public bool Failed(string roomId, DateTimeOffset now)
    {
        var first = false;
        _rooms.AddOrUpdate(
            roomId,
            _ =>
            {
                first = true;
                return new Waiting(now, now, 1);
            },
            (_, waiting) => waiting with { LastAttempt = now });
        if (first)
        {
            RoomMetrics.WaitingForDatabase.Add(1);
        }

        return first;
    }

    /// <summary>
    /// How long a room about to start must wait before it may recover: what is left of its back-off
    /// while it waits for the database, else zero, which counts as an attempt.
    /// </summary>
    public TimeSpan HoldOff(string roomId, DateTimeOffset now)
    {
        while (_rooms.TryGetValue(roomId, out var waiting))
        {
            var left = BackOff(waiting.Attempts) - (now - waiting.LastAttempt);
            if (left > TimeSpan.Zero)
            {
                return left;
            }

            if (_rooms.TryUpdate(roomId, waiting with { LastAttempt = now, Attempts = waiting.Attempts + 1 }, waiting))
            {
                Interlocked.Increment(ref _retries);
                return TimeSpan.Zero;
            }
        }

        return TimeSpan.Zero;
    }

    /// <summary>Records that the room reached the journal; returns since when it had waited, or null if it had not.</summary>
    public DateTimeOffset? Reached(string roomId)
    {
        if (!_rooms.TryRemove(roomId, out var waiting))
        {
            return null;
        }

        RoomMetrics.WaitingForDatabase.Add(-1);
        return waiting.Since;
    }

    public static TimeSpan BackOff(int attempts) =>
        TimeSpan.FromTicks(Math.Min(MaxBackOff.Ticks, FirstBackOff.Ticks << Math.Min(attempts - 1, 16)));

    private sealed record Waiting(DateTimeOffset Since, DateTimeOffset LastAttempt, int Attempts);
}
