using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Chat.Actors.Rooms;

namespace Chat.Tests.Actors;

/// <summary>
/// Older messages read back from the test journal by replaying the room's events, as
/// <c>JournalRoomHistory</c> reads them from PostgreSQL through the read journal.
/// </summary>
public sealed class ReplayedRoomHistory(TestKitBase testKit) : IRoomHistory
{
    private int _reads;

    /// <summary>How many reads the room asked for.</summary>
    public int Reads => Volatile.Read(ref _reads);

    public Task<ImmutableArray<StoredMessage>> ReadAsync(string roomId, SeqRange range, CancellationToken cancellationToken) => Task.Run(() =>
    {
        Interlocked.Increment(ref _reads);
        var probe = testKit.CreateTestProbe();
        var journal = Persistence.Instance.Apply(testKit.Sys).JournalFor(null);
        journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, RoomIds.PersistenceIdOf(roomId), probe.Ref));
        var messages = ImmutableArray.CreateBuilder<StoredMessage>();
        while (true)
        {
            switch (probe.ReceiveOne(TimeSpan.FromSeconds(10)))
            {
                case ReplayedMessage { Persistent.Payload: MessageAppended m } when m.Seq >= range.From && m.Seq <= range.To:
                    messages.Add(new StoredMessage(m.MessageId, m.Seq, m.Ciphertext, m.Nonce, m.At));
                    break;
                case ReplayedMessage:
                    break;
                case RecoverySuccess:
                    return messages.ToImmutable();
                case ReplayMessagesFailure failure:
                    throw failure.Cause;
                case var other:
                    throw new InvalidOperationException($"Unexpected reply to a replay: {other}");
            }
        }
    }, cancellationToken);
}
