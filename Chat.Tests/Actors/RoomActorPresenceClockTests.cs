using Akka.Actor;
using Chat.Actors.Rooms;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Chat.Tests.Actors;

/// <summary>
/// Presence decisions against a clock the test moves, with sweeps sent by the test, so the outcome
/// does not depend on how busy the machine is. The timers themselves are covered by RoomActorTimerTests.
/// </summary>
public sealed class RoomActorPresenceClockTests(ITestOutputHelper output) : RoomActorSpec(output)
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    protected override TimeProvider Clock => _clock;

    protected override RoomOptions Options => base.Options with
    {
        HeartbeatTimeout = TimeSpan.FromSeconds(30),
        PresenceSweepInterval = TimeSpan.FromHours(1),
    };

    [Fact]
    public async Task Heartbeat_KeepsMemberPastTheTimeoutCountedFromJoin_AndSilenceThenExpiresIt()
    {
        var room = StartRoom();
        await JoinAsync(room);

        _clock.Advance(TimeSpan.FromSeconds(20));
        await AskRoom<Done>(room, new Heartbeat(RoomId, Member, "cid-2"));
        _clock.Advance(TimeSpan.FromSeconds(20));
        room.Tell(new ExpireMembers(RoomId));

        (await AskRoom<ParticipantList>(room, new GetParticipants(RoomId))).Participants.Select(p => p.Member)
            .Should().Equal([Member], "40 s after joining but only 20 s after the heartbeat");

        _clock.Advance(TimeSpan.FromSeconds(11));
        room.Tell(new ExpireMembers(RoomId));

        (await AskRoom<ParticipantList>(room, new GetParticipants(RoomId))).Participants.Should().BeEmpty();
        (await AskRoom<RoomRejected>(room, new Heartbeat(RoomId, Member, "cid-2"))).Code.Should().Be(RoomErrors.NotJoined);
    }

    [Fact]
    public async Task Send_CountsAsSignOfLife()
    {
        var room = StartRoom();
        await JoinAsync(room);

        _clock.Advance(TimeSpan.FromSeconds(25));
        await SendAsync(room);
        _clock.Advance(TimeSpan.FromSeconds(25));
        room.Tell(new ExpireMembers(RoomId));

        (await AskRoom<ParticipantList>(room, new GetParticipants(RoomId))).Participants.Should().ContainSingle();
    }

    [Fact]
    public async Task ConnectionClosed_RemovesOnlyThatConnectionsMembers()
    {
        var room = StartRoom();
        var other = Chat.Tests.Infrastructure.TestPayloads.NewMemberId();
        await AskRoom<Joined>(room, Chat.Tests.Infrastructure.TestPayloads.Join(RoomId, Member, "cid-a"));
        await AskRoom<Joined>(room, Chat.Tests.Infrastructure.TestPayloads.Join(RoomId, other, "cid-b"));

        room.Tell(new ConnectionClosed(RoomId, "cid-a"));

        var removed = Emissions.FishForMessage<Emitted>(e => e.Changes.OfType<ParticipantRemoved>().Any());
        removed.Changes.OfType<ParticipantRemoved>().Single().Index.Should().Be(0);
        (await AskRoom<ParticipantList>(room, new GetParticipants(RoomId))).Participants.Select(p => p.Member).Should().Equal(other);
    }
}
