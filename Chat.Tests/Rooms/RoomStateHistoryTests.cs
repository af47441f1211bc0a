using Chat.Actors.Rooms;
using FluentAssertions;
using Xunit;
using static Chat.Tests.Rooms.RoomStateFixtures;

namespace Chat.Tests.Rooms;

/// <summary>The window holds 5 messages (see <see cref="RoomStateFixtures.Options"/>).</summary>
public sealed class RoomStateHistoryTests
{
    private static readonly long[] FourAndFive = [4, 5];
    private static readonly long[] ThreeToFive = [3, 4, 5];
    private static readonly long[] OneToThree = [1, 2, 3];
    private static readonly long[] FourToSix = [4, 5, 6];

    public static TheoryData<long?, int?> InvalidRanges => new()
    {
        { 5, null },
        { 5, 0 },
        { 5, -1 },
        { 5, RoomOptions.MaxHistoryLimit + 1 },
        { 5, int.MaxValue },
        { null, 10 },
        { 0, 10 },
        { -1, 10 },
        { long.MinValue, 10 },
    };

    private static RoomState RoomWithMessages(int count) => NewRoom().Joined(Alice, T0).WithMessages(Alice, count, At(1));

    private static HistoryPage Page(Decision decision)
    {
        decision.Events.Should().BeEmpty();
        decision.HistoryToLoad.Should().BeNull();
        return decision.Reply.Should().BeOfType<HistoryPage>().Subject;
    }

    [Fact]
    public void History_WithinWindow_ReturnsNewestLimitOldestFirst()
    {
        var room = RoomWithMessages(5);

        var page = Page(room.Decide(new GetHistory(RoomId, 6, 2), At(20)));

        page.Messages.Seqs().Should().Equal(FourAndFive);
    }

    [Fact]
    public void History_ReturnsOnlyMessagesBeforeTheGivenSeq()
    {
        var room = RoomWithMessages(5);

        var page = Page(room.Decide(new GetHistory(RoomId, 4, 10), At(20)));

        page.Messages.Seqs().Should().Equal(OneToThree);
    }

    [Fact]
    public void History_BeforeBeyondLastSeq_ReturnsNewestMessages()
    {
        var room = RoomWithMessages(5);

        var page = Page(room.Decide(new GetHistory(RoomId, 1000, 3), At(20)));

        page.Messages.Seqs().Should().Equal(ThreeToFive);
    }

    [Fact]
    public void History_LimitLargerThanAvailable_ReturnsAllFromSeqOne()
    {
        var room = RoomWithMessages(3);

        var page = Page(room.Decide(new GetHistory(RoomId, 100, RoomOptions.MaxHistoryLimit), At(20)));

        page.Messages.Seqs().Should().Equal(OneToThree);
    }

    [Fact]
    public void History_BeforeOne_ReturnsEmptyPage()
    {
        var room = RoomWithMessages(3);

        Page(room.Decide(new GetHistory(RoomId, 1, 10), At(20))).Messages.Should().BeEmpty();
    }

    [Fact]
    public void History_OfRoomWithoutMessages_ReturnsEmptyPage()
    {
        Page(NewRoom().Decide(new GetHistory(RoomId, 100, 10), T0)).Messages.Should().BeEmpty();
    }

    [Fact]
    public void History_StartingAtWindowStart_IsServedFromWindow()
    {
        var room = RoomWithMessages(8); // window holds 4..8

        var page = Page(room.Decide(new GetHistory(RoomId, 7, 3), At(20)));

        page.Messages.Seqs().Should().Equal(FourToSix);
    }

    [Fact]
    public void History_PartlyBeforeWindow_AsksToLoadTheRange()
    {
        var room = RoomWithMessages(8); // window holds 4..8

        var decision = room.Decide(new GetHistory(RoomId, 6, 3), At(20));

        decision.HistoryToLoad.Should().Be(new SeqRange(3, 5));
        decision.Reply.Should().BeNull();
        decision.Events.Should().BeEmpty();
    }

    [Fact]
    public void History_EntirelyBeforeWindow_AsksToLoadTheRange()
    {
        var room = RoomWithMessages(8); // window holds 4..8

        var decision = room.Decide(new GetHistory(RoomId, 3, 10), At(20));

        decision.HistoryToLoad.Should().Be(new SeqRange(1, 2));
        decision.Reply.Should().BeNull();
        decision.Events.Should().BeEmpty();
    }

    [Fact]
    public void History_OfRestoredRoomWithoutWindow_AsksToLoadTheRange()
    {
        var room = RoomWithMessages(3);
        var restored = RoomState.FromSnapshot(room.ToSnapshot() with { Window = [] }, Options);

        restored.Decide(new GetHistory(RoomId, 10, 2), At(20)).HistoryToLoad.Should().Be(new SeqRange(2, 3));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(RoomOptions.MaxHistoryLimit)]
    public void History_WithLimitAtBoundary_IsAccepted(int limit)
    {
        var room = RoomWithMessages(2);

        Page(room.Decide(new GetHistory(RoomId, 3, limit), At(20))).Messages.Should().NotBeEmpty();
    }

    [Theory]
    [MemberData(nameof(InvalidRanges))]
    public void History_WithInvalidBeforeOrLimit_IsRejectedWithInvalidParams(long? before, int? limit)
    {
        var room = RoomWithMessages(2);

        room.Decide(new GetHistory(RoomId, before, limit), At(20)).ShouldBeRejectedWith(RoomErrors.InvalidParams);
    }
}
