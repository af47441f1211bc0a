using Chat.Actors.Rooms;
using FluentAssertions;
using Xunit;
using static Chat.Tests.Rooms.RoomStateFixtures;

namespace Chat.Tests.Rooms;

/// <summary>
/// The window and history pages cut by bytes as well as by count: a response holds three of the
/// largest (1,000-byte) messages, or many small ones; the window's count limit is out of the way.
/// </summary>
public sealed class RoomStateResponseBytesTests
{
    private const int Large = 1000;
    private const int Small = 16;

    private static readonly int LargeBytes = StoredMessage.ResponseBytesFor(Large);
    private static readonly int SmallBytes = StoredMessage.ResponseBytesFor(Small);

    private static readonly RoomOptions ByteOptions = Options with
    {
        WindowSize = 100,
        MaxMessageBytes = Large,
        MaxResponseBytes = (3 * StoredMessage.ResponseBytesFor(Large)) + 100,
    };

    private static RoomState Room() => NewRoom(ByteOptions).Joined(Alice, T0);

    private static RoomState SentOfSize(RoomState room, int ciphertextBytes, DateTimeOffset at, List<RoomChange>? changes = null)
    {
        var (next, decision) = room.Run(SendCommand(Alice, ciphertextBytes: ciphertextBytes), at, changes);
        decision.Reply.Should().BeOfType<MessageAccepted>();
        return next;
    }

    /// <summary>Sizes that mix small and large messages in an irregular pattern.</summary>
    private static int SizeOf(int i) => i % 7 == 0 || i % 5 == 0 ? Large : Small + (i % 3 * 100);

    /// <summary>What a gateway holds: its cached collection, moved by the room's add and remove events only.</summary>
    private static void FollowInCache(List<StoredMessage> cache, IEnumerable<RoomChange> changes)
    {
        foreach (var change in changes)
        {
            switch (change)
            {
                case MessageAdded added:
                    cache.Insert(added.Index, added.Message);
                    break;
                case MessageRemoved removed:
                    cache.RemoveAt(removed.Index);
                    break;
            }
        }
    }

    [Fact]
    public void ResponseBytes_CountBase64OfCiphertextAndNonce_PlusTheItemOverhead()
    {
        StoredMessage.ResponseBytesFor(Large).Should().Be(1336 + 16 + StoredMessage.ItemOverheadBytes);
        StoredMessage.ResponseBytesFor(64 * 1024).Should().Be(87384 + 16 + StoredMessage.ItemOverheadBytes);
        new StoredMessage(Guid.Empty, 1, Filled(Small), Filled(RoomOptions.NonceBytes), T0).ResponseBytes().Should().Be(SmallBytes);
    }

    [Fact]
    public void Window_OverTheByteLimit_DropsOldestFirst_OneRemoveEachBeforeTheAdd()
    {
        var room = SentOfSize(SentOfSize(Room(), Small, At(1)), Small, At(2));
        room = SentOfSize(SentOfSize(room, Large, At(3)), Large, At(4));
        room.WindowBytes.Should().Be((2 * SmallBytes) + (2 * LargeBytes), "four messages still fit");
        var changes = new List<RoomChange>();

        // A third large one does not fit beside the two small ones: both go, oldest first.
        room = SentOfSize(room, Large, At(5), changes);

        changes.Should().HaveCount(4);
        changes[0].Should().Be(new MessageRemoved(0));
        changes[1].Should().Be(new MessageRemoved(0));
        changes[2].Should().BeOfType<MessageAdded>().Which.Should().Match<MessageAdded>(a => a.Index == 2 && a.Message.Seq == 5);
        changes[3].Should().BeOfType<RoomModelChanged>();
        room.Window.Seqs().Should().Equal(3, 4, 5);
        room.WindowBytes.Should().Be(3 * LargeBytes);
    }

    [Fact]
    public void Window_StaysUnderTheByteLimit_KeepsItsTotal_AndACachedCopyFollowsIt()
    {
        var room = Room();
        var cache = new List<StoredMessage>();

        for (var i = 1; i <= 200; i++)
        {
            var changes = new List<RoomChange>();
            room = SentOfSize(room, SizeOf(i), At(i), changes);
            FollowInCache(cache, changes);

            room.WindowBytes.Should().Be(room.Window.Sum(m => m.ResponseBytes()));
            room.WindowBytes.Should().BeLessThanOrEqualTo(ByteOptions.MaxResponseBytes);
            room.Window[^1].Seq.Should().Be(i, "the newest message is always in the window");
            cache.Should().Equal(room.Window);
        }
    }

    [Fact]
    public void Window_IsAlsoTrimmedByCount_WhenMessagesAreSmall()
    {
        var room = NewRoom(ByteOptions with { WindowSize = 5 }).Joined(Alice, T0);
        for (var i = 1; i <= 8; i++)
        {
            room = SentOfSize(room, Small, At(i));
        }

        room.Window.Seqs().Should().Equal(4, 5, 6, 7, 8);
        room.WindowBytes.Should().Be(5 * SmallBytes);
    }

    [Fact]
    public void Snapshot_RoundTrip_KeepsTheByteTrimmedWindowAndItsTotal()
    {
        var room = Room();
        for (var i = 1; i <= 30; i++)
        {
            room = SentOfSize(room, SizeOf(i), At(i));
        }

        var restored = RoomState.FromSnapshot(room.ToSnapshot(), ByteOptions);

        restored.Window.Should().Equal(room.Window);
        restored.WindowBytes.Should().Be(room.WindowBytes);
    }

    [Fact]
    public void Snapshot_RestoredWithALowerByteLimit_KeepsTheNewestThatFit_AsTheEventsWouldHave()
    {
        var room = Room();
        var lower = ByteOptions with { MaxResponseBytes = (2 * LargeBytes) + 100 };
        var replayed = NewRoom(lower).Joined(Alice, T0);
        for (var i = 1; i <= 30; i++)
        {
            room = SentOfSize(room, SizeOf(i), At(i));
            replayed = SentOfSize(replayed, SizeOf(i), At(i));
        }

        var restored = RoomState.FromSnapshot(room.ToSnapshot(), lower);

        restored.Window.Seqs().Should().Equal(replayed.Window.Seqs());
        restored.WindowBytes.Should().Be(replayed.WindowBytes).And.BeLessThanOrEqualTo(lower.MaxResponseBytes);
    }

    [Fact]
    public void HistoryPage_FromTheJournal_KeepsTheNewestThatFit_OldestFirst()
    {
        var fromJournal = Enumerable.Range(1, 10)
            .Select(seq => new StoredMessage(Guid.NewGuid(), seq, Filled(Large), Filled(RoomOptions.NonceBytes), At(seq)))
            .ToList();

        var page = Room().HistoryPageOf(fromJournal);

        page.Messages.Seqs().Should().Equal(8, 9, 10);
    }

    [Fact]
    public void HistoryPage_HoldsOneMessage_EvenWhenThatOneIsOverTheLimit()
    {
        // Stored before the limit was lowered: still served, one per page, so paging never stalls.
        var tight = ByteOptions with { MaxResponseBytes = SmallBytes };
        var fromJournal = Enumerable.Range(1, 2)
            .Select(seq => new StoredMessage(Guid.NewGuid(), seq, Filled(Large), Filled(RoomOptions.NonceBytes), At(seq)))
            .ToList();

        NewRoom(tight).HistoryPageOf(fromJournal).Messages.Seqs().Should().Equal(2);
    }

    [Fact]
    public void History_PagedByTheOldestSeqReturned_WalksEveryMessage_FromWindowAndJournal()
    {
        // The journal keeps every appended message; the window only the newest that fit.
        var room = Room();
        var journal = new List<StoredMessage>();
        for (var i = 1; i <= 40; i++)
        {
            var (next, decision) = room.Run(SendCommand(Alice, ciphertextBytes: SizeOf(i)), At(i));
            journal.AddRange(decision.Events.OfType<MessageAppended>().Select(e => new StoredMessage(e.MessageId, e.Seq, e.Ciphertext, e.Nonce, e.At)));
            room = next;
        }

        // A first small page comes from the window; then pages of the largest limit, from the journal.
        var walked = new List<long>();
        var fromWindow = 0;
        var cutByBytes = 0;
        var before = room.LastSeq + 1;
        while (before > 1)
        {
            var limit = walked.Count == 0 ? 2 : RoomOptions.MaxHistoryLimit;
            var decision = room.Decide(new GetHistory(RoomId, before, limit), At(100));
            HistoryPage page;
            if (decision.HistoryToLoad is { } range)
            {
                page = room.HistoryPageOf(journal.Where(m => m.Seq >= range.From && m.Seq <= range.To).ToList());
                cutByBytes += page.Messages.Length < range.To - range.From + 1 ? 1 : 0;
            }
            else
            {
                page = decision.Reply.Should().BeOfType<HistoryPage>().Subject;
                fromWindow++;
            }

            page.Messages.Should().NotBeEmpty();
            page.Messages.Sum(m => m.ResponseBytes()).Should().BeLessThanOrEqualTo(ByteOptions.MaxResponseBytes);
            walked.InsertRange(0, page.Messages.Seqs());
            before = page.Messages[0].Seq;
        }

        fromWindow.Should().Be(1);
        cutByBytes.Should().BeGreaterThan(1);
        walked.Should().Equal(Enumerable.Range(1, 40).Select(seq => (long)seq));
    }
}
