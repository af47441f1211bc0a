using Chat.Actors.Rooms;

namespace Chat.Tests.Rooms;

public sealed class RoomsWaitingForDatabaseTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RoomThatNeverFailed_IsNotHeldOff_AndItsStartIsNoRetry()
    {
        var waiting = new RoomsWaitingForDatabase();
        waiting.HoldOff("a", T0).Should().Be(TimeSpan.Zero);
        waiting.Retries.Should().Be(0);
    }

    [Fact]
    public void FailedRoom_IsHeldOffForWhatIsLeftOfItsBackOff_ThenOneAttemptIsCounted_AndTheBackOffDoubles()
    {
        var waiting = new RoomsWaitingForDatabase();
        waiting.Failed("a", T0).Should().BeTrue("the first failure is the one that is logged");
        waiting.Failed("a", T0).Should().BeFalse();
        waiting.Count.Should().Be(1);

        waiting.HoldOff("a", T0.AddMilliseconds(100)).Should().Be(TimeSpan.FromMilliseconds(150));
        waiting.HoldOff("a", T0.AddMilliseconds(250)).Should().Be(TimeSpan.Zero, "the first back-off has passed");
        waiting.Retries.Should().Be(1);

        // The attempt restarted the clock, with twice the back-off.
        waiting.HoldOff("a", T0.AddMilliseconds(300)).Should().Be(TimeSpan.FromMilliseconds(450));
        waiting.HoldOff("b", T0.AddMilliseconds(300)).Should().Be(TimeSpan.Zero, "rooms wait on their own");

        waiting.Reached("a").Should().Be(T0);
        waiting.HoldOff("a", T0.AddMilliseconds(301)).Should().Be(TimeSpan.Zero);
        waiting.Count.Should().Be(0);
    }

    [Fact]
    public void BackOff_DoublesFromAQuarterSecond_UpToOneSecond()
    {
        Enumerable.Range(1, 5).Select(RoomsWaitingForDatabase.BackOff).Should().Equal(
            TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }
}
