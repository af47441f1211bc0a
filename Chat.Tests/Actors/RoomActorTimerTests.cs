using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Actors;

public sealed class RoomActorTimerTests(ITestOutputHelper output) : RoomActorSpec(output)
{
    protected override RoomOptions Options => base.Options with
    {
        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        HeartbeatTimeout = TimeSpan.FromMilliseconds(300),
        PresenceSweepInterval = TimeSpan.FromMilliseconds(50),
        GracePeriod = TimeSpan.FromMilliseconds(600),
        PassivateIdleAfter = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task SilentMember_IsExpired_ThenGracePeriodEndsTheRoom()
    {
        var room = StartRoom();
        await JoinAsync(room);

        var removed = Emissions.FishForMessage<Emitted>(e => e.Changes.OfType<ParticipantRemoved>().Any(), TimeSpan.FromSeconds(5));
        removed.Reply.Should().BeNull("expiry is the room's own doing, nobody asked");
        var closed = Emissions.FishForMessage<Emitted>(
            e => e.Changes.OfType<RoomModelChanged>().Any(c => c.After.Status == RoomStatus.Closed), TimeSpan.FromSeconds(5));
        closed.Changes.OfType<RoomModelChanged>().Single().Before.Status.Should().Be(RoomStatus.Active);
        (await AskRoom<RoomModel>(room, new GetRoom(RoomId))).Status.Should().Be(RoomStatus.Closed);
    }

    [Fact]
    public async Task ClosedRoom_IsStillClosedAfterRestart_AndRefusesJoin()
    {
        var room = StartRoom();
        await JoinAsync(room);
        await AskRoom<Done>(room, new LeaveRoom(RoomId, Member));
        Emissions.FishForMessage<Emitted>(
            e => e.Changes.OfType<RoomModelChanged>().Any(c => c.After.Status == RoomStatus.Closed), TimeSpan.FromSeconds(5));

        StopRoom(room);
        room = StartRoom();

        (await AskRoom<RoomModel>(room, new GetRoom(RoomId))).Status.Should().Be(RoomStatus.Closed);
        (await AskRoom<RoomRejected>(room, TestPayloads.Join(RoomId, Member))).Code.Should().Be(RoomErrors.Closed);
    }

    [Fact]
    public async Task ActiveRoom_RecoveredWithNobodyPresent_EndsAfterGracePeriod()
    {
        var room = StartRoom();
        await JoinAsync(room);
        StopRoom(room);

        // As after a failover: active in the journal, nobody present in memory.
        StartRoom();
        Emissions.FishForMessage<Emitted>(
            e => e.Changes.OfType<RoomModelChanged>().Any(c => c.After.Status == RoomStatus.Closed), TimeSpan.FromSeconds(5));
    }
}
