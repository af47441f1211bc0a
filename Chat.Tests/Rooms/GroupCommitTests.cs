using Akka.Actor;
using Chat.Actors.Rooms;
using static Chat.Tests.Rooms.RoomStateFixtures;

namespace Chat.Tests.Rooms;

/// <summary>The room's write queue without an actor: what is written together, what is published when.</summary>
public sealed class GroupCommitTests
{
    private const string Bob = "bob_member_000002";

    private static GroupCommit ActiveRoom(int maxWriteBatch = 1000) =>
        new(NewRoom().Joined(Alice, T0).Joined(Bob, T0), maxWriteBatch);

    private static CommitStep Step(GroupCommit commit, IRoomCommand command, double at = 1) =>
        new(commit.Decided.Decide(command, At(at)), new ReplyTarget(ActorRefs.Nobody, command.GetType().Name), 0);

    private static long SeqOf(PublishedStep published) => published.Step.Decision.Reply.Should().BeOfType<MessageAccepted>().Subject.Seq;

    [Fact]
    public void StepWithoutEvents_WhileIdle_IsPublishedAtOnce_AndNothingIsWritten()
    {
        var commit = ActiveRoom();
        commit.Enqueue(Step(commit, new Heartbeat(RoomId, Alice, Cid1)));

        var drained = commit.Drain();

        drained.Published.Should().ContainSingle();
        drained.Write.Should().BeNull();
        commit.IsIdle.Should().BeTrue();
        commit.Decided.Should().BeSameAs(commit.Durable);
    }

    [Fact]
    public void SendsArrivingDuringAWrite_AreDecidedAgainstItsResult_AndWrittenTogetherAfterIt()
    {
        var commit = ActiveRoom();
        commit.Enqueue(Step(commit, SendCommand(Alice)));
        var first = commit.Drain().Write!;
        first.Events.Should().ContainSingle();

        commit.Enqueue(Step(commit, SendCommand(Bob)));
        commit.Enqueue(Step(commit, SendCommand(Alice)));
        var whileWriting = commit.Drain();
        whileWriting.Published.Should().BeEmpty("nothing goes out before its write is durable");
        whileWriting.Write.Should().BeNull("one write at a time");
        commit.Durable.LastSeq.Should().Be(0);
        commit.Decided.LastSeq.Should().Be(3, "the queued sends were decided after the one in flight");

        commit.Complete(first)!.Select(SeqOf).Should().Equal(1);
        commit.Durable.LastSeq.Should().Be(1);
        var second = commit.Drain().Write!;
        second.Steps.Should().HaveCount(2, "the queue becomes the next write");
        commit.Complete(second)!.Select(SeqOf).Should().Equal(2, 3);
        commit.Drain().Write.Should().BeNull();
        commit.IsIdle.Should().BeTrue();
    }

    [Fact]
    public void StepWithoutEvents_QueuedBehindAWrite_IsPublishedAfterIt_InOrder()
    {
        var commit = ActiveRoom();
        commit.Enqueue(Step(commit, SendCommand(Alice)));
        var write = commit.Drain().Write!;
        commit.Enqueue(Step(commit, new Heartbeat(RoomId, Alice, Cid1)));
        commit.Drain().Published.Should().BeEmpty("the heartbeat's reply may not overtake the send's");

        commit.Complete(write)!.Should().ContainSingle();
        var after = commit.Drain();
        after.Published.Should().ContainSingle().Which.Step.ReplyTo.Subject.Should().Be(nameof(Heartbeat));
        after.Write.Should().BeNull();
    }

    [Fact]
    public void AWriteHoldsAtMostMaxWriteBatchEvents_ButAlwaysOneStep()
    {
        var commit = ActiveRoom(maxWriteBatch: 2);
        for (var i = 0; i < 5; i++)
        {
            commit.Enqueue(Step(commit, SendCommand(Alice)));
        }

        var sizes = new List<int>();
        while (commit.Drain().Write is { } write)
        {
            sizes.Add(write.Events.Count);
            commit.Complete(write);
        }

        sizes.Should().Equal(2, 2, 1);
        commit.Durable.LastSeq.Should().Be(5);
    }

    [Fact]
    public void FailedWrite_ReturnsEveryPendingStep_PublishesNone_AndTheNextSendTakesTheSameSeq()
    {
        var commit = ActiveRoom();
        commit.Enqueue(Step(commit, SendCommand(Alice)));
        var write = commit.Drain().Write!;
        commit.Enqueue(Step(commit, SendCommand(Bob)));

        commit.Fail().Should().HaveCount(2);

        commit.IsIdle.Should().BeTrue();
        commit.Durable.LastSeq.Should().Be(0);
        commit.Decided.Should().BeSameAs(commit.Durable);
        commit.Complete(write).Should().BeNull("a write that is no longer in flight publishes nothing");
        commit.Enqueue(Step(commit, SendCommand(Alice)));
        var retry = commit.Drain().Write!;
        commit.Complete(retry)!.Select(SeqOf).Should().Equal(1);
    }
}
