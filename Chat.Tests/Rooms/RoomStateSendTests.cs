using System.Globalization;
using Chat.Actors.Rooms;
using FluentAssertions;
using Xunit;
using static Chat.Tests.Rooms.RoomStateFixtures;

namespace Chat.Tests.Rooms;

public sealed class RoomStateSendTests
{
    private static readonly long[] FirstFourSeqs = [1, 2, 3, 4];
    private static readonly long[] SeqsTwoToSix = [2, 3, 4, 5, 6];

    [Fact]
    public void Send_FromPresentMember_AppendsMessageWithSeqOne()
    {
        var room = NewRoom().Joined(Alice, T0);
        var id = Guid.NewGuid();
        var ciphertext = Filled(40, 7);
        var nonce = Filled(RoomOptions.NonceBytes, 9);
        var command = new SendMessage(
            RoomId, id.ToString("D", CultureInfo.InvariantCulture), Convert.ToBase64String(ciphertext), Convert.ToBase64String(nonce), Alice);

        var (next, decision) = room.Run(command, At(1));

        decision.Reply.Should().Be(new MessageAccepted(1));
        decision.HasPersistedEvents.Should().BeTrue();
        decision.Events.Should().HaveCount(2);
        var appended = decision.Events[0].Should().BeOfType<MessageAppended>().Subject;
        appended.RoomId.Should().Be(RoomId);
        appended.MessageId.Should().Be(id);
        appended.Seq.Should().Be(1);
        appended.Ciphertext.Should().Equal(ciphertext);
        appended.Nonce.Should().Equal(nonce);
        appended.At.Should().Be(At(1));
        decision.Events[1].Should().Be(new MemberSent(Alice, null, ciphertext.Length, At(1)));

        next.LastSeq.Should().Be(1);
        next.Window.Should().ContainSingle();
        next.Window[0].Id.Should().Be(id);
        next.Window[0].Ciphertext.Should().Equal(ciphertext);
        next.Window[0].Nonce.Should().Equal(nonce);
        next.Window[0].SentAt.Should().Be(At(1));
    }

    [Fact]
    public void Send_SeqIsGapFreeFromOne()
    {
        var room = NewRoom().Joined(Alice, T0).Joined(Bob, T0);
        var seqs = new List<long>();

        foreach (var (member, second) in new[] { (Alice, 1), (Bob, 2), (Alice, 3), (Bob, 4) })
        {
            var (next, decision) = room.Run(SendCommand(member), At(second));
            seqs.Add(decision.Reply.Should().BeOfType<MessageAccepted>().Subject.Seq);
            room = next;
        }

        seqs.Should().Equal(FirstFourSeqs);
        room.LastSeq.Should().Be(4);
        room.Window.Seqs().Should().Equal(FirstFourSeqs);
    }

    [Fact]
    public void Send_WithSameIdTwice_ReturnsOriginalSeqAndAppendsNothing()
    {
        var id = NewMessageId();
        var room = NewRoom().Joined(Alice, T0).Sent(Alice, At(1), id);

        var decision = room.Decide(SendCommand(Alice, id), At(2));

        decision.Reply.Should().Be(new MessageAccepted(1));
        decision.Events.Should().BeEmpty();
        room.ApplyAll(decision).Should().BeSameAs(room);
    }

    [Fact]
    public void Send_RetryOfOlderMessage_ReturnsItsOwnSeq()
    {
        var first = NewMessageId();
        var room = NewRoom().Joined(Alice, T0).Sent(Alice, At(1), first).WithMessages(Alice, 2, At(2));

        var decision = room.Decide(SendCommand(Alice, first), At(10));

        decision.Reply.Should().Be(new MessageAccepted(1));
        decision.Events.Should().BeEmpty();
    }

    [Fact]
    public void Send_WithUppercaseId_IsAcceptedAndRetryInLowercaseIsTheSameMessage()
    {
        var id = Guid.NewGuid();
        var upper = id.ToString("D", CultureInfo.InvariantCulture).ToUpperInvariant();
        var lower = id.ToString("D", CultureInfo.InvariantCulture);
        var room = NewRoom().Joined(Alice, T0);

        var (next, decision) = room.Run(SendCommand(Alice, upper), At(1));

        decision.Reply.Should().Be(new MessageAccepted(1));
        next.Window[0].Id.Should().Be(id);
        var retry = next.Decide(SendCommand(Alice, lower), At(2));
        retry.Reply.Should().Be(new MessageAccepted(1));
        retry.Events.Should().BeEmpty();
    }

    [Fact]
    public void Send_RetryAfterMemberLeft_StillReturnsOriginalSeq()
    {
        var id = NewMessageId();
        var room = NewRoom().Joined(Alice, T0).Joined(Bob, T0).Sent(Alice, At(1), id);
        var (afterLeave, _) = room.Run(new LeaveRoom(RoomId, Alice), At(2));

        var decision = afterLeave.Decide(SendCommand(Alice, id), At(3));

        decision.Reply.Should().Be(new MessageAccepted(1));
        decision.Events.Should().BeEmpty();
    }

    [Fact]
    public void Send_FromMemberNotPresent_IsRejectedWithNotJoined()
    {
        var room = NewRoom().Joined(Alice, T0);

        room.Decide(SendCommand(Bob), At(1)).ShouldBeRejectedWith(RoomErrors.NotJoined);
    }

    [Fact]
    public void Send_ToNewRoom_IsRejectedWithNotJoined()
    {
        NewRoom().Decide(SendCommand(Alice), T0).ShouldBeRejectedWith(RoomErrors.NotJoined);
    }

    [Fact]
    public void Send_FromMemberWhoLeft_IsRejectedWithNotJoined()
    {
        var room = NewRoom().Joined(Alice, T0).Joined(Bob, T0);
        var (afterLeave, _) = room.Run(new LeaveRoom(RoomId, Alice), At(1));

        afterLeave.Decide(SendCommand(Alice), At(2)).ShouldBeRejectedWith(RoomErrors.NotJoined);
    }

    [Fact]
    public void Send_WhileWindowNotFull_AddsMessageAtTheEndAndCountsIt()
    {
        var room = NewRoom().Joined(Alice, T0).WithMessages(Alice, 2, At(1));
        var changes = new List<RoomChange>();

        room.Run(SendCommand(Alice), At(5), changes);

        changes.Should().HaveCount(2);
        var added = changes[0].Should().BeOfType<MessageAdded>().Subject;
        added.Index.Should().Be(2);
        added.Message.Seq.Should().Be(3);
        changes[1].Should().Be(new RoomModelChanged(
            new RoomModel(RoomId, RoomStatus.Active, T0, 1, 2),
            new RoomModel(RoomId, RoomStatus.Active, T0, 1, 3)));
    }

    [Fact]
    public void Send_WhenWindowFull_RemovesOldestThenAddsNewest()
    {
        var room = NewRoom().Joined(Alice, T0).WithMessages(Alice, Options.WindowSize, At(1));
        var changes = new List<RoomChange>();

        var (next, decision) = room.Run(SendCommand(Alice), At(10), changes);

        decision.Reply.Should().Be(new MessageAccepted(6));
        changes[0].Should().Be(new MessageRemoved(0));
        var added = changes[1].Should().BeOfType<MessageAdded>().Subject;
        added.Index.Should().Be(Options.WindowSize - 1);
        added.Message.Seq.Should().Be(6);
        changes[2].Should().BeOfType<RoomModelChanged>().Which.After.MessageCount.Should().Be(6);
        changes.Should().HaveCount(3);
        next.Window.Seqs().Should().Equal(SeqsTwoToSix);
    }

    [Fact]
    public void GetMessages_ReturnsWindowOldestFirst()
    {
        var room = NewRoom().Joined(Alice, T0).WithMessages(Alice, 7, At(1));

        var list = room.Decide(new GetMessages(RoomId), At(20)).Reply.Should().BeOfType<MessageList>().Subject;

        list.Messages.Seqs().Should().Equal(3L, 4L, 5L, 6L, 7L);
    }

    [Fact]
    public void Send_AfterDedupeWindowPassed_ForgetsTheIdAndAppendsAgain()
    {
        var options = Options with { DedupeWindow = 2 };
        var id = NewMessageId();
        var room = NewRoom(options).Joined(Alice, T0).Sent(Alice, At(1), id).WithMessages(Alice, 2, At(2));

        var decision = room.Decide(SendCommand(Alice, id), At(10));

        decision.Reply.Should().Be(new MessageAccepted(4));
        decision.Events.OfType<MessageAppended>().Should().ContainSingle();
    }

    [Fact]
    public void Send_CountsAsSignOfLife()
    {
        var room = NewRoom().Joined(Alice, T0);

        var (next, _) = room.Run(SendCommand(Alice), At(20));

        next.FindMember(Alice)!.LastSeen.Should().Be(At(20));
        next.Decide(new ExpireMembers(RoomId), At(40)).Events.Should().BeEmpty();
    }
}
