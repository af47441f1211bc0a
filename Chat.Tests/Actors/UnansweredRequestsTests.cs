using Akka.Actor;
using Akka.Actor.Setup;
using Akka.TestKit.Xunit2;
using Akka.Event;
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
    public void RequestsARegionDropsAtAShardsHandOff_AreAnsweredUnavailable_ToTheirSender()
    {
        var probe = CreateTestProbe();
        Started(UnansweredRequests.Props(new RecordingRoomOutput(probe.Ref)));
        var roomId = TestPayloads.NewRoomId();

        // A shard region buffers what arrives for a shard being handed over, then drops it "to avoid reordering"
        // through Akka's message buffer, which tells the dead letters a Dropped naming the sender (and no sender
        // of its own, so the dead letter wrapping it names none).
        const string reason = "Avoiding reordering of buffered messages at shard handoff";
        Sys.DeadLetters.Tell(new Dropped(new RoomRequest(TestPayloads.Send(roomId, TestPayloads.NewMemberId()), null), reason, TestActor, ActorRefs.NoSender), ActorRefs.NoSender);
        Sys.DeadLetters.Tell(new Dropped("not a room request", reason, TestActor, ActorRefs.NoSender), ActorRefs.NoSender);

        probe.ExpectMsg<Emitted>().RoomId.Should().Be(roomId);
        ExpectMsg<RoomRejected>().Code.Should().Be(RoomErrors.Unavailable, "the sender retries with the same id");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void OnceTheRegionIsKnown_ARequestDroppedAtAHandOff_GoesBackToTheRegionOnce_ThenIsAnswered()
    {
        var probe = CreateTestProbe();
        var region = CreateTestProbe();
        var answerer = Sys.ActorOf(UnansweredRequests.Props(new RecordingRoomOutput(probe.Ref)));
        answerer.Tell(new UnansweredRequests.ResendHandOffDropsTo(region.Ref));
        answerer.Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>();
        var request = new RoomRequest(TestPayloads.Send(TestPayloads.NewRoomId(), TestPayloads.NewMemberId()), null);
        const string handOff = "Avoiding reordering of buffered messages at shard handoff";

        Sys.DeadLetters.Tell(new Dropped(request, handOff, TestActor, ActorRefs.NoSender), ActorRefs.NoSender);
        region.ExpectMsg<RoomRequest>().Should().BeSameAs(request, "the region holds it until the shard's new home is known");
        region.LastSender.Should().Be(TestActor, "the reply goes to whoever asked");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // Dropped again (another hand-off, or a region that could not deliver it): answered, not sent round again.
        Sys.DeadLetters.Tell(new Dropped(request, handOff, TestActor, ActorRefs.NoSender), ActorRefs.NoSender);
        probe.ExpectMsg<Emitted>().RoomId.Should().Be(request.RoomId);
        ExpectMsg<RoomRejected>().Code.Should().Be(RoomErrors.Unavailable);

        // Any other drop (a full buffer) is answered at once.
        var other = new RoomRequest(TestPayloads.Send(TestPayloads.NewRoomId(), TestPayloads.NewMemberId()), null);
        Sys.DeadLetters.Tell(new Dropped(other, "Buffer for [7] is full", TestActor, ActorRefs.NoSender), ActorRefs.NoSender);
        probe.ExpectMsg<Emitted>().RoomId.Should().Be(other.RoomId);
        ExpectMsg<RoomRejected>().Code.Should().Be(RoomErrors.Unavailable);
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void RequestsAnActorDoesNotHandle_AreAnsweredUnavailable_ToTheirSender()
    {
        var probe = CreateTestProbe();
        Started(UnansweredRequests.Props(new RecordingRoomOutput(probe.Ref)));
        var roomId = TestPayloads.NewRoomId();

        // A shard handing over handles only its entities' ends; what reaches it meanwhile is published as unhandled.
        var handingOver = Sys.ActorOf(Props.Create(() => new HandlesOnlyTerminated()));
        handingOver.Tell(new RoomRequest(TestPayloads.Send(roomId, TestPayloads.NewMemberId()), null), TestActor);
        handingOver.Tell("not a room request", TestActor);

        probe.ExpectMsg<Emitted>().RoomId.Should().Be(roomId);
        ExpectMsg<RoomRejected>().Code.Should().Be(RoomErrors.Unavailable, "the sender retries with the same id");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
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

    [Fact]
    public async Task AsAnExtension_RequestsAreAnsweredFromTheSystemsStart_WithoutAnyStartupTask()
    {
        // A node restarted in place hears requests for its old incarnation's rooms while it is still starting.
        var probe = CreateTestProbe();
        var setup = ActorSystemSetup.Create(
            BootstrapSetup.Create().WithConfig($"akka.extensions = [\"{typeof(UnansweredRequestsExtension).AssemblyQualifiedName}\"]"),
            new UnansweredRequestsExtension.OutputSetup(new RecordingRoomOutput(probe.Ref)));
        using var starting = ActorSystem.Create("starting", setup);
        try
        {
            var roomId = TestPayloads.NewRoomId();
            starting.DeadLetters.Tell(new RoomRequest(TestPayloads.Send(roomId, TestPayloads.NewMemberId()), null), TestActor);

            probe.ExpectMsg<Emitted>().RoomId.Should().Be(roomId);
            ExpectMsg<RoomRejected>().Code.Should().Be(RoomErrors.Unavailable);
        }
        finally
        {
            await starting.Terminate();
        }
    }

    [Fact]
    public void AsAnExtension_WithoutItsOutput_FailsTheSystemsStart()
    {
        var start = () => ActorSystem.Create(
            "misconfigured", $"akka.extensions = [\"{typeof(UnansweredRequestsExtension).AssemblyQualifiedName}\"]");

        start.Should().Throw<Exception>().Where(e => e.ToString().Contains(nameof(UnansweredRequestsExtension.OutputSetup), StringComparison.Ordinal));
    }

    private sealed class HandlesOnlyTerminated : ReceiveActor
    {
        public HandlesOnlyTerminated() => Receive<Terminated>(_ => { });
    }

    /// <summary>An actor handles messages only after its PreStart, where this one subscribes to dead letters.</summary>
    private void Started(Props props)
    {
        Sys.ActorOf(props).Tell(new Identify(null), TestActor);
        ExpectMsg<ActorIdentity>();
    }
}
