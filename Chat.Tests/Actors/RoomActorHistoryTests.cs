using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Actors;

/// <summary>
/// History pages cut by bytes on both paths through the actor: from its window, and from the journal
/// when a page reaches back further. A response holds three of the largest (1,000-byte) messages.
/// </summary>
public sealed class RoomActorHistoryTests(ITestOutputHelper output) : RoomActorSpec(output)
{
    private const int Large = 1000;
    private const int Sent = 20;

    protected override RoomOptions Options => base.Options with
    {
        MaxMessageBytes = Large,
        MaxResponseBytes = (3 * StoredMessage.ResponseBytesFor(Large)) + 100,
        RateBurst = 1000,
    };

    private ReplayedRoomHistory? _history;

    protected override IRoomHistory? History => _history ??= new ReplayedRoomHistory(this);

    private async Task<Akka.Actor.IActorRef> RoomWithLargeMessages()
    {
        var room = StartRoom();
        await JoinAsync(room);
        for (var i = 1; i <= Sent; i++)
        {
            var send = new SendMessage(RoomId, Guid.NewGuid().ToString(), TestPayloads.Base64(Large), TestPayloads.Base64(12), Member);
            (await AskRoom<MessageAccepted>(room, send)).Seq.Should().Be(i);
        }

        return room;
    }

    [Fact]
    public async Task Window_HoldsTheNewestMessagesThatFitInAResponse()
    {
        var room = await RoomWithLargeMessages();

        var window = await AskRoom<MessageList>(room, new GetMessages(RoomId));

        window.Messages.Select(m => m.Seq).Should().Equal(18, 19, 20);
    }

    [Fact]
    public async Task HistoryFromTheJournal_IsCutToTheNewestThatFit_AndPagingByTheOldestSeqWalksEverything()
    {
        var room = await RoomWithLargeMessages();
        var walked = new List<long>();
        var before = Sent + 1L;

        while (before > 1)
        {
            var page = await AskRoom<HistoryPage>(room, new GetHistory(RoomId, before, RoomOptions.MaxHistoryLimit));

            page.Messages.Should().NotBeEmpty().And.HaveCountLessThanOrEqualTo(3);
            page.Messages.Sum(m => m.ResponseBytes()).Should().BeLessThanOrEqualTo(Options.MaxResponseBytes);
            walked.InsertRange(0, page.Messages.Select(m => m.Seq));
            before = page.Messages[0].Seq;
        }

        walked.Should().Equal(Enumerable.Range(1, Sent).Select(seq => (long)seq));
        _history!.Reads.Should().BeGreaterThan(1);
    }

    [Fact]
    public async Task HistoryFromTheWindow_IsServedWithoutTheJournal()
    {
        var room = await RoomWithLargeMessages();

        var page = await AskRoom<HistoryPage>(room, new GetHistory(RoomId, Sent + 1, 2));

        page.Messages.Select(m => m.Seq).Should().Equal(19, 20);
        _history!.Reads.Should().Be(0);
    }
}
