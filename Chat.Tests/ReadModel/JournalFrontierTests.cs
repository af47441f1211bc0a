using Chat.Actors.ReadModel;

namespace Chat.Tests.ReadModel;

public sealed class JournalFrontierTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void ContiguousOrderings_AreAllAccepted()
    {
        var frontier = new JournalFrontier(10, Timeout);

        frontier.Accept([11, 12, 13], T0).Should().Be(3);

        frontier.Offset.Should().Be(13);
        frontier.OpenGaps.Should().Be(0);
    }

    [Fact]
    public void AGap_HoldsBackEverythingAfterIt_UntilItFills()
    {
        var frontier = new JournalFrontier(10, Timeout);

        frontier.Accept([11, 12, 14, 15], T0).Should().Be(2, "13 may still commit");
        frontier.Offset.Should().Be(12);
        frontier.OpenGaps.Should().Be(1);

        frontier.Accept([14, 15], T0.AddSeconds(1)).Should().Be(0);
        frontier.Accept([13, 14, 15], T0.AddSeconds(2)).Should().Be(3);
        frontier.Offset.Should().Be(15);
        frontier.OpenGaps.Should().Be(0);
    }

    [Fact]
    public void AGapOpenForTheTimeout_IsSkipped()
    {
        var frontier = new JournalFrontier(0, Timeout);
        frontier.Accept([1, 3], T0).Should().Be(1);

        frontier.Accept([3], T0 + Timeout - TimeSpan.FromTicks(1)).Should().Be(0);
        frontier.Accept([3, 4], T0 + Timeout).Should().Be(2, "2 rolled back or was never used");

        frontier.Offset.Should().Be(4);
        frontier.OpenGaps.Should().Be(0);
    }

    [Fact]
    public void SeveralGapsInOnePage_AgeTogether()
    {
        var frontier = new JournalFrontier(0, Timeout);

        frontier.Accept([2, 4, 6, 7], T0).Should().Be(0);
        frontier.OpenGaps.Should().Be(3, "1, 3 and 5 are missing");

        frontier.Accept([2, 4, 6, 7], T0 + Timeout).Should().Be(4, "every gap was seen at the same time, so all of them have timed out");
        frontier.Offset.Should().Be(7);
    }

    [Fact]
    public void ARunOfMissingOrderings_IsOneGap()
    {
        var frontier = new JournalFrontier(0, Timeout);

        frontier.Accept([40], T0).Should().Be(0);
        frontier.OpenGaps.Should().Be(1);
        frontier.Accept([40], T0 + Timeout).Should().Be(1, "1 to 39 are skipped together, as a sequence skips after a crash");
        frontier.Offset.Should().Be(40);
    }

    [Fact]
    public void AnEmptyPage_ChangesNothing()
    {
        var frontier = new JournalFrontier(5, Timeout);

        frontier.Accept([], T0).Should().Be(0);

        frontier.Offset.Should().Be(5);
    }

    [Fact]
    public void AnOrderingAtOrBeforeTheOffset_IsACallersMistake()
    {
        var frontier = new JournalFrontier(5, Timeout);

        var act = () => frontier.Accept([5], T0);

        act.Should().Throw<ArgumentException>();
    }
}
