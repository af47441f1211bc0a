using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Akka.TestKit;
using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Actors;

/// <summary>
/// Base for room actor tests: Akka.Persistence.TestKit's journal and snapshot store (in memory,
/// with injectable failures), shortened timers, and a probe that sees every emission.
/// </summary>
public abstract class RoomActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config TestPersistence = ConfigurationFactory.ParseString("""
        akka.persistence.journal.plugin = "akka.persistence.journal.test"
        akka.persistence.journal.test.class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.test"
        akka.persistence.snapshot-store.test.class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit"
        akka.loglevel = WARNING
        """);

    protected RoomActorSpec(ITestOutputHelper output)
        : base(TestPersistence, null, output)
    {
        Emissions = CreateTestProbe();
        Journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
    }

    protected string RoomId { get; } = TestPayloads.NewRoomId();

    protected string Member { get; } = TestPayloads.NewMemberId();

    protected TestProbe Emissions { get; }

    protected ITestJournal Journal { get; }

    /// <summary>Long presence timers by default, so only tests about timers see them fire.</summary>
    protected virtual RoomOptions Options => new()
    {
        HeartbeatInterval = TimeSpan.FromSeconds(20),
        HeartbeatTimeout = TimeSpan.FromSeconds(30),
        GracePeriod = TimeSpan.FromSeconds(60),
        PassivateIdleAfter = TimeSpan.FromMinutes(5),
    };

    /// <summary>The room's clock; tests that need control of "now" replace it.</summary>
    protected virtual TimeProvider Clock => TimeProvider.System;

    /// <summary>Where older history comes from; none by default, as only history tests read it.</summary>
    protected virtual IRoomHistory? History => null;

    protected IActorRef StartRoom()
    {
        var settings = new RoomActorSettings(Options, new RecordingRoomOutput(Emissions), History, Clock);
        var room = Sys.ActorOf(RoomActor.Props(RoomId, settings));
        Watch(room);
        // Earlier incarnations may have left emissions behind; skip to this one's start.
        Emissions.FishForMessage(m => m is Started s && s.RoomId == RoomId);
        return room;
    }

    /// <summary>Stops the room the way sharding hands it off, and waits until it is gone.</summary>
    protected void StopRoom(IActorRef room)
    {
        room.Tell(Chat.Actors.Rooms.StopRoom.Instance);
        ExpectTerminated(room);
    }

    protected async Task<T> AskRoom<T>(IActorRef room, IRoomCommand command)
        where T : RoomReply =>
        await room.Ask<T>(command, RemainingOrDefault);

    protected async Task JoinAsync(IActorRef room, string? member = null) =>
        await AskRoom<Joined>(room, TestPayloads.Join(RoomId, member ?? Member));

    protected async Task<long> SendAsync(IActorRef room, Guid? id = null) =>
        (await AskRoom<MessageAccepted>(room, TestPayloads.Send(RoomId, Member, id))).Seq;
}
