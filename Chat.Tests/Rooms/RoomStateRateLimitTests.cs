using Chat.Actors.Rooms;
using FluentAssertions;
using Xunit;
using static Chat.Tests.Rooms.RoomStateFixtures;

namespace Chat.Tests.Rooms;

/// <summary>Burst of 3, refilling one token per second.</summary>
public sealed class RoomStateRateLimitTests
{
    private static readonly RoomOptions RateOptions = Options with { RateBurst = 3, RatePerSecond = 1 };

    private static RoomState Room() => NewRoom(RateOptions).Joined(Alice, T0).Joined(Bob, T0);

    /// <summary>Spends Alice's whole burst at <paramref name="at"/>.</summary>
    private static RoomState Exhausted(RoomState room, DateTimeOffset at)
    {
        for (var i = 0; i < RateOptions.RateBurst; i++)
        {
            room = room.Sent(Alice, at);
        }

        return room;
    }

    [Fact]
    public void Send_WithinBurst_IsAccepted()
    {
        var room = Room();

        for (var i = 1; i <= RateOptions.RateBurst; i++)
        {
            var (next, decision) = room.Run(SendCommand(Alice), At(1));
            decision.Reply.Should().Be(new MessageAccepted(i));
            room = next;
        }
    }

    [Fact]
    public void Send_BeyondBurst_IsRejectedWithRateLimited()
    {
        var room = Exhausted(Room(), At(1));

        room.Decide(SendCommand(Alice), At(1)).ShouldBeRejectedWith(RoomErrors.RateLimited);
    }

    [Fact]
    public void Send_BeforeAWholeTokenRefilled_IsStillRateLimited()
    {
        var room = Exhausted(Room(), At(1));

        room.Decide(SendCommand(Alice), At(1.5)).ShouldBeRejectedWith(RoomErrors.RateLimited);
    }

    [Fact]
    public void Send_AfterRefill_IsAcceptedAgainOncePerToken()
    {
        var room = Exhausted(Room(), At(1)).Sent(Alice, At(2));

        room.Decide(SendCommand(Alice), At(2)).ShouldBeRejectedWith(RoomErrors.RateLimited);
    }

    [Fact]
    public void Send_RefillIsCappedAtBurst()
    {
        var room = Exhausted(Room(), At(1));

        var refilled = Exhausted(room, At(100));

        refilled.Decide(SendCommand(Alice), At(100)).ShouldBeRejectedWith(RoomErrors.RateLimited);
    }

    [Fact]
    public void RateLimit_IsPerMember()
    {
        var room = Exhausted(Room(), At(1));

        room.Decide(SendCommand(Bob), At(1)).Reply.Should().Be(new MessageAccepted(RateOptions.RateBurst + 1));
    }

    [Fact]
    public void Rejoin_DoesNotRefillBudget()
    {
        var room = Exhausted(Room(), At(1)).Joined(Alice, At(1), Cid2);

        room.Decide(SendCommand(Alice), At(1)).ShouldBeRejectedWith(RoomErrors.RateLimited);
    }

    [Fact]
    public void LeaveAndJoinAgain_DoesNotRefillBudget()
    {
        var (left, _) = Exhausted(Room(), At(1)).Run(new LeaveRoom(RoomId, Alice), At(1));
        var room = left.Joined(Alice, At(1), Cid2);

        room.Decide(SendCommand(Alice), At(1)).ShouldBeRejectedWith(RoomErrors.RateLimited);
    }

    [Fact]
    public void ExpiryAndJoinAgain_DoesNotRefillBudget()
    {
        // One token per 100 s, so the 26 s until Alice expires give back only a quarter of one.
        var slow = RateOptions with { RatePerSecond = 0.01 };
        var room = NewRoom(slow).Joined(Alice, T0).Sent(Alice, At(1)).Sent(Alice, At(1)).Sent(Alice, At(1));
        var (expired, _) = room.Run(new ExpireMembers(RoomId), At(27));
        expired.FindMember(Alice).Should().BeNull();

        var rejoined = expired.Joined(Alice, At(27), Cid2);

        rejoined.Decide(SendCommand(Alice), At(27)).ShouldBeRejectedWith(RoomErrors.RateLimited);
    }

    [Fact]
    public void Rejection_NamesYourBudget_AndCarriesTheTimeUntilTheNextToken()
    {
        var room = Exhausted(Room(), At(1));

        var rejected = room.Decide(SendCommand(Alice), At(1.25)).Reply.Should().BeOfType<RoomRejected>().Subject;

        rejected.Message.Should().Contain("your send budget");
        rejected.RetryAfter.Should().Be(TimeSpan.FromMilliseconds(750));
        room.Decide(SendCommand(Alice), At(1.25) + rejected.RetryAfter!.Value).Reply.Should().BeOfType<MessageAccepted>();
    }

    [Fact]
    public void Send_RetryOfStoredIdWhileRateLimited_ReturnsOriginalSeq()
    {
        var id = NewMessageId();
        var room = Room().Sent(Alice, At(1), id).Sent(Alice, At(1)).Sent(Alice, At(1));
        room.Decide(SendCommand(Alice), At(1)).ShouldBeRejectedWith(RoomErrors.RateLimited);

        var decision = room.Decide(SendCommand(Alice, id), At(1));

        decision.Reply.Should().Be(new MessageAccepted(1));
        decision.Events.Should().BeEmpty();
    }

    [Fact]
    public void Send_RejectedForRateLimit_DoesNotSpendAToken()
    {
        var room = Exhausted(Room(), At(1));
        var (afterRejection, rejected) = room.Run(SendCommand(Alice), At(1.5));
        rejected.IsRejection.Should().BeTrue();

        afterRejection.Decide(SendCommand(Alice), At(2)).Reply.Should().BeOfType<MessageAccepted>();
    }
}
