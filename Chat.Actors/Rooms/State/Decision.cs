using System.Collections.Immutable;

namespace Chat.Actors.Rooms;

/// <summary>
/// What a command leads to: events to apply (persisted ones first written to the journal) and the
/// reply to send once they are applied. <see cref="HistoryToLoad"/> asks the actor to read older
/// messages from the journal instead of replying from memory.
/// </summary>
public sealed record Decision(ImmutableArray<IRoomEvent> Events, RoomReply? Reply, SeqRange? HistoryToLoad = null)
{
    public static readonly Decision Nothing = new(ImmutableArray<IRoomEvent>.Empty, null);

    public static Decision Answer(RoomReply reply) => new(ImmutableArray<IRoomEvent>.Empty, reply);

    public static Decision Of(RoomReply? reply, params IRoomEvent[] events) => new(ImmutableArray.Create(events), reply);

    public bool IsRejection => Reply is RoomRejected;

    public bool HasPersistedEvents
    {
        get
        {
            foreach (var e in Events)
            {
                if (e is IPersistedRoomEvent)
                {
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>An inclusive range of message seqs.</summary>
public sealed record SeqRange(long From, long To);
