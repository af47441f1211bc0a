using Akka.Actor;
using Akka.TestKit.Xunit2;
using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Actors;

public sealed class UnansweredRequestsTests : TestKit
{
    [Fact]
    public void RequestToAStoppedRoom_IsAnsweredUnavailable_NotLeftToTimeOut()
    {
        var probe = CreateTestProbe();
        Started(UnansweredRequests.Props(new RecordingRoomOutput(probe.Ref)));
        var room = Sys.ActorOf(Props.Empty);
        Watch(room);
        Sys.Stop(room);
        ExpectTerminated(room);
        var roomId = TestPayloads.NewRoomId();

        // What a room's mailbox holds when a failed journal write stops it: requests nobody processed.
        room.Tell(new RoomRequest(TestPayloads.Send(roomId, TestPayloads.NewMemberId()), null), TestActor);

        var emitted = probe.ExpectMsg<Emitted>();
        emitted.RoomId.Should().Be(roomId);
        emitted.Changes.Should().BeEmpty("nothing was stored");
        ExpectMsg<RoomRejected>().Code.Should().Be(RoomErrors.Unavailable, "the sender is told to retry with the same id");
    }

    [Fact]
    public void OtherDeadLetters_AreLeftAlone()
    {
        var probe = CreateTestProbe();
        Started(UnansweredRequests.Props(new RecordingRoomOutput(probe.Ref)));
        var gone = Sys.ActorOf(Props.Empty);
        Watch(gone);
        Sys.Stop(gone);
        ExpectTerminated(gone);

        gone.Tell(new RoomRequest(TestPayloads.Send(TestPayloads.NewRoomId(), TestPayloads.NewMemberId()), null), TestActor);
        gone.Tell("not a room request", TestActor);

        probe.ExpectMsg<Emitted>().Reply.Should().Be(RoomErrors.JournalUnavailable, "only the room request is answered");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    /// <summary>An actor handles messages only after its PreStart, where this one subscribes to dead letters.</summary>
    private void Started(Props props)
    {
        Sys.ActorOf(props).Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>();
    }
}
