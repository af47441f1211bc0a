using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Chat.Actors.Rooms;

namespace Chat.Actors.Persistence;

/// <summary>Older messages straight from the journal, the source of truth, through the read journal.</summary>
public sealed class JournalRoomHistory(ActorSystem system) : IRoomHistory
{
    private readonly SqlReadJournal _journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(PersistenceHocon.ReadJournalId);
    private readonly IMaterializer _materializer = system.Materializer();

    public async Task<ImmutableArray<StoredMessage>> ReadAsync(string roomId, SeqRange range, CancellationToken cancellationToken)
    {
        // Every message is one event after RoomActivated, so its journal sequence number is above its
        // seq: starting at From skips nothing, and the stream ends at the first message past To.
        var messages = await _journal
            .CurrentEventsByPersistenceId(RoomIds.PersistenceIdOf(roomId), range.From, long.MaxValue)
            .Collect(envelope => envelope.Event is MessageAppended, envelope => (MessageAppended)envelope.Event)
            .Where(m => m.Seq >= range.From)
            .TakeWhile(m => m.Seq <= range.To)
            .Select(m => new StoredMessage(m.MessageId, m.Seq, m.Ciphertext, m.Nonce, m.At, m.Member))
            .RunWith(Sink.Seq<StoredMessage>(), _materializer);
        return messages.ToImmutableArray();
    }
}
