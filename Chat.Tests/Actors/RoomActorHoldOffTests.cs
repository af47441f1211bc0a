using Akka.Cluster.Sharding;
using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Actors;

/// <summary>
/// A room that waits for the database (docs/rooms.md): inside its back-off it answers without asking
/// the journal and leaves through its shard's passivation, never by stopping under a request.
/// </summary>
public sealed class RoomActorHoldOffTests(ITestOutputHelper output) : RoomActorSpec(output)
{
    [Fact]
    public async Task RoomInsideItsBackOff_AnswersUnavailableWithoutRecovering_ThenAsksItsShardToPassivateIt()
    {
        var waiting = new RoomsWaitingForDatabase();
        waiting.Failed(RoomId, DateTimeOffset.UtcNow);
        var settings = new RoomActorSettings(Options, new RecordingRoomOutput(Emissions), History, Clock) { Waiting = waiting };

        // The test actor stands in for the shard: it is the room's parent and receives Passivate.
        var room = await ChildActorOfAsync(RoomActor.Props(RoomId, settings), "room");
        Watch(room);
        for (var i = 0; i < 3; i++)
        {
            (await AskRoom<RoomRejected>(room, TestPayloads.Send(RoomId, Member))).Code.Should().Be(RoomErrors.Unavailable);
            Emissions.ExpectMsg<Emitted>().Reply.Should().BeOfType<RoomRejected>("a recovering room would have said Started first");
        }

        waiting.Retries.Should().Be(0, "no recovery was attempted inside the back-off");
        // The back-off is a quarter second; the wait is long because a busy test run can hold messages back for seconds.
        var passivate = ExpectMsg<Passivate>(TimeSpan.FromSeconds(15));
        passivate.StopMessage.Should().Be(Chat.Actors.Rooms.StopRoom.Instance);

        // Until the shard has it stop, requests still reach it and are still answered.
        (await AskRoom<RoomRejected>(room, TestPayloads.Send(RoomId, Member))).Code.Should().Be(RoomErrors.Unavailable);
        room.Tell(passivate.StopMessage, TestActor);
        ExpectTerminated(room);

        // The back-off has passed: the next start is an attempt, and the journal answers it.
        var again = await ChildActorOfAsync(RoomActor.Props(RoomId, settings), "room-again");
        Emissions.FishForMessage(m => m is Started, TimeSpan.FromSeconds(15));
        waiting.Retries.Should().Be(1);
        await JoinAsync(again);
        (await SendAsync(again)).Should().Be(1);
        waiting.Count.Should().Be(0, "the room reached the database again");
    }
}
