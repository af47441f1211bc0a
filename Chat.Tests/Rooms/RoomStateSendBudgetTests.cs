using Chat.Actors.Rooms;
using FluentAssertions;
using Xunit;
using static Chat.Tests.Rooms.RoomStateFixtures;

namespace Chat.Tests.Rooms;

/// <summary>
/// The connection's and the room's send budgets, which many member ids cannot multiply: a connection
/// holds 10 sends refilling one a second, the room 20 messages refilling 5 a second. Members' own
/// budgets are large here, and so is the room's byte budget except in its own test.
/// </summary>
public sealed class RoomStateSendBudgetTests
{
    private const string Attacker = "cid-attacker";

    private static readonly RoomOptions BudgetOptions = Options with
    {
        MaxParticipants = 100,
        ConnectionRateBurst = 10,
        ConnectionRatePerSecond = 1,
        RoomRateBurst = 20,
        RoomRatePerSecond = 5,
    };

    /// <summary>Four largest messages' worth of bytes, refilling one largest message a second.</summary>
    private static readonly RoomOptions ByteOptions = BudgetOptions with
    {
        RoomBytesBurst = 4 * MaxMessageBytes,
        RoomBytesPerSecond = MaxMessageBytes,
    };

    private static string MemberNo(int i) => $"member-{i:D4}-padding";

    private static string CidNo(int i) => $"cid-{i:D5}";

    /// <summary>A room with <paramref name="count"/> members, member i on the cid <paramref name="cidOf"/>(i) gives.</summary>
    private static RoomState RoomWith(int count, Func<int, string?> cidOf, RoomOptions? options = null)
    {
        var room = NewRoom(options ?? BudgetOptions);
        for (var i = 0; i < count; i++)
        {
            room = room.Joined(MemberNo(i), T0, cidOf(i));
        }

        return room;
    }

    /// <summary>Member i sends once on the cid <paramref name="cidOf"/>(i) gives, all at <paramref name="at"/>; returns the replies.</summary>
    private static (RoomState Room, List<RoomReply> Replies) EachSendsOnce(
        RoomState room, int count, Func<int, string?> cidOf, DateTimeOffset at, int ciphertextBytes = 32)
    {
        var replies = new List<RoomReply>();
        for (var i = 0; i < count; i++)
        {
            var (next, decision) = room.Run(SendCommand(MemberNo(i), cid: cidOf(i), ciphertextBytes: ciphertextBytes), at);
            replies.Add(decision.Reply!);
            room = next;
        }

        return (room, replies);
    }

    [Fact]
    public void FortyMemberIdsOnOneConnection_AreHeldToTheConnectionBudget()
    {
        var room = RoomWith(40, _ => Attacker);

        var (_, replies) = EachSendsOnce(room, 40, _ => Attacker, At(1));

        replies.OfType<MessageAccepted>().Should().HaveCount(BudgetOptions.ConnectionRateBurst);
        replies.Skip(BudgetOptions.ConnectionRateBurst).Should().AllSatisfy(r =>
        {
            var rejected = r.Should().BeOfType<RoomRejected>().Subject;
            rejected.Code.Should().Be(RoomErrors.RateLimited);
            rejected.Message.Should().Contain("Your connection");
            rejected.RetryAfter.Should().Be(TimeSpan.FromSeconds(1));
        });
    }

    [Fact]
    public void ConnectionBudget_IsNotRefilledByItsMembersLeavingAndJoiningAgain()
    {
        var (room, _) = EachSendsOnce(RoomWith(10, _ => Attacker), 10, _ => Attacker, At(1));
        for (var i = 0; i < 10; i++)
        {
            (room, _) = room.Run(new LeaveRoom(RoomId, MemberNo(i)), At(1));
        }

        room = room.Joined(MemberNo(0), At(1), Attacker);

        room.Decide(SendCommand(MemberNo(0), cid: Attacker), At(1)).ShouldBeRejectedWith(RoomErrors.RateLimited);
    }

    [Fact]
    public void ConnectionBudget_RefillsWithTime()
    {
        var (room, _) = EachSendsOnce(RoomWith(12, _ => Attacker), 10, _ => Attacker, At(1));
        room.Decide(SendCommand(MemberNo(10), cid: Attacker), At(1.5)).ShouldBeRejectedWith(RoomErrors.RateLimited);

        var (refilled, accepted) = room.Run(SendCommand(MemberNo(10), cid: Attacker), At(2));

        accepted.Reply.Should().BeOfType<MessageAccepted>();
        refilled.Decide(SendCommand(MemberNo(11), cid: Attacker), At(2)).ShouldBeRejectedWith(RoomErrors.RateLimited);
    }

    [Fact]
    public void SendsWithoutACid_SkipTheConnectionBudgetOnly()
    {
        var room = RoomWith(30, _ => null);

        var (_, replies) = EachSendsOnce(room, 30, _ => null, At(1));

        replies.OfType<MessageAccepted>().Should().HaveCount(BudgetOptions.RoomRateBurst, "the room's budget still applies");
        replies.OfType<RoomRejected>().Should().AllSatisfy(r => r.Message.Should().Contain("message budget"));
    }

    [Fact]
    public void ManyConnectionsAndMembers_AreHeldToTheRoomMessageBudget()
    {
        var room = RoomWith(60, CidNo);

        var (afterBurst, replies) = EachSendsOnce(room, 60, CidNo, At(1));

        replies.OfType<MessageAccepted>().Should().HaveCount(BudgetOptions.RoomRateBurst);
        var rejected = replies[BudgetOptions.RoomRateBurst].Should().BeOfType<RoomRejected>().Subject;
        rejected.Code.Should().Be(RoomErrors.RateLimited);
        rejected.Message.Should().Contain("The room").And.Contain("message budget");
        rejected.RetryAfter.Should().Be(TimeSpan.FromMilliseconds(200), "the room refills 5 messages a second");

        // One second later the room has taken 5 more, whoever sends them.
        var (_, later) = EachSendsOnce(afterBurst, 60, CidNo, At(2));
        later.OfType<MessageAccepted>().Should().HaveCount((int)BudgetOptions.RoomRatePerSecond);
    }

    [Fact]
    public void ManyConnectionsAndMembers_AreHeldToTheRoomByteBudget()
    {
        var room = RoomWith(10, CidNo, ByteOptions);

        var (afterBurst, replies) = EachSendsOnce(room, 10, CidNo, At(1), ciphertextBytes: MaxMessageBytes);

        replies.OfType<MessageAccepted>().Should().HaveCount(4, "the byte budget holds four largest messages");
        var rejected = replies[4].Should().BeOfType<RoomRejected>().Subject;
        rejected.Code.Should().Be(RoomErrors.RateLimited);
        rejected.Message.Should().Contain("The room").And.Contain("byte budget");
        rejected.RetryAfter.Should().Be(TimeSpan.FromSeconds(1), "one largest message refills in a second");

        // Half a second refills half a largest message: enough for a small one, not for a large one.
        afterBurst.Decide(SendCommand(MemberNo(5), cid: CidNo(5), ciphertextBytes: MaxMessageBytes), At(1.5))
            .ShouldBeRejectedWith(RoomErrors.RateLimited);
        afterBurst.Decide(SendCommand(MemberNo(5), cid: CidNo(5), ciphertextBytes: 16), At(1.5))
            .Reply.Should().BeOfType<MessageAccepted>();
    }

    [Fact]
    public void Rejection_NamesTheBudgetWaitedLongestFor_WithThatWait()
    {
        // Ten sends spend the connection (1 s to the next) and half the room (nothing to wait for);
        // ten more from other connections spend the rest of the room (0.2 s to the next).
        var (room, _) = EachSendsOnce(RoomWith(20, i => i < 10 ? Attacker : CidNo(i)), 20, i => i < 10 ? Attacker : CidNo(i), At(1));

        var rejected = room.Decide(SendCommand(MemberNo(0), cid: Attacker), At(1)).Reply.Should().BeOfType<RoomRejected>().Subject;

        rejected.Message.Should().Contain("Your connection");
        rejected.RetryAfter.Should().Be(TimeSpan.FromSeconds(1));
        room.Decide(SendCommand(MemberNo(10), cid: CidNo(10)), At(1)).Reply
            .Should().BeOfType<RoomRejected>().Which.RetryAfter.Should().Be(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void RejectedSend_SpendsFromNoBudget()
    {
        var (room, _) = EachSendsOnce(RoomWith(11, _ => Attacker), 10, _ => Attacker, At(1));
        var budgets = room.Budgets;

        var (after, decision) = room.Run(SendCommand(MemberNo(10), cid: Attacker), At(1));

        decision.IsRejection.Should().BeTrue();
        after.Budgets.Should().BeSameAs(budgets);
    }

    [Fact]
    public void TrackedEntries_StayBoundedUnderManyDistinctCids()
    {
        // The shipped connection and room budgets; three members with large budgets send every 10 ms,
        // each send on a cid never seen before, for 30 s.
        var defaults = new RoomOptions();
        var options = Options with
        {
            ConnectionRateBurst = defaults.ConnectionRateBurst,
            ConnectionRatePerSecond = defaults.ConnectionRatePerSecond,
            RoomRateBurst = defaults.RoomRateBurst,
            RoomRatePerSecond = defaults.RoomRatePerSecond,
        };
        var room = NewRoom(options).Joined(Alice, T0).Joined(Bob, T0).Joined(Carol, T0);
        string[] members = [Alice, Bob, Carol];
        var accepted = 0;
        var mostTracked = 0;

        for (var i = 0; i < 3000; i++)
        {
            var (next, decision) = room.Run(SendCommand(members[i % 3], cid: CidNo(i)), At(1 + (i * 0.01)));
            accepted += decision.Reply is MessageAccepted ? 1 : 0;
            mostTracked = Math.Max(mostTracked, next.Budgets.TrackedEntries);
            room = next;
        }

        // Entries that have not refilled spent within the last burst/rate seconds, which the room's
        // budget caps; the table is scanned again when it has doubled.
        var secondsToRefill = defaults.ConnectionRateBurst / defaults.ConnectionRatePerSecond;
        var mostBusy = defaults.RoomRateBurst + (int)(defaults.RoomRatePerSecond * secondsToRefill);
        accepted.Should().BeGreaterThan(2 * mostBusy, "so that keeping every cid would break the bound");
        mostTracked.Should().BeLessThanOrEqualTo((2 * mostBusy) + 1 + members.Length);
    }

    [Fact]
    public void TrackedEntries_OfConnectionsThatHaveRefilled_AreDroppedWhenTheTableGrows()
    {
        var room = NewRoom(BudgetOptions with { RoomRateBurst = 1000 }).Joined(Alice, T0);
        var early = Enumerable.Range(0, 100).Select(CidNo).ToList();
        var late = Enumerable.Range(100, 100).Select(CidNo).ToList();
        foreach (var cid in early)
        {
            room = room.Sent(Alice, At(1), cid: cid);
        }

        room.Budgets.Connections.Count.Should().Be(early.Count, "none has refilled yet, so none can go");

        // Two seconds later every early cid has its one token back: the growing table lets them go.
        foreach (var cid in late)
        {
            room = room.Sent(Alice, At(3), cid: cid);
        }

        room.Budgets.Connections.Buckets.Keys.Should().BeEquivalentTo(late);
    }

    [Fact]
    public void Restore_StartsWithFullBudgets_BecauseTheyAreNeverPersisted()
    {
        var (room, _) = EachSendsOnce(RoomWith(10, _ => Attacker), 10, _ => Attacker, At(1));

        var restored = RoomState.FromSnapshot(room.ToSnapshot(), BudgetOptions).Joined(MemberNo(0), At(1), Attacker);

        restored.Budgets.TrackedEntries.Should().Be(0);
        restored.Decide(SendCommand(MemberNo(0), cid: Attacker), At(1)).Reply.Should().BeOfType<MessageAccepted>();
    }
}
