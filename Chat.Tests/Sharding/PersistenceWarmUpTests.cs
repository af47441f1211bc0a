using Akka.Actor;
using Chat.Actors.Hosting;
using Chat.Actors.Persistence;
using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Sharding;

/// <summary>
/// A node replays a room read-only before it is given rooms, so its first recoveries do not pay for
/// compiling the replay path (docs/failover.md: a third to half a second per room without it).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PersistenceWarmUpTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task EmptyJournal_TheNodeAsksAgainAndReplaysTheFirstRoomWritten_ThenStops()
    {
        var db = await postgres.Server.CreateDatabaseAsync("warmup");
        await using var node = await ChatNode.StartAsync(db);
        var warmUp = await node.System.ActorSelection("/user/persistence-warm-up").ResolveOne(Wait);
        var stopped = WatchAsync(node.System, warmUp);
        var warmed = ListenAsync(node.System);
        stopped.IsCompleted.Should().BeFalse("nothing to replay yet, so the warm-up keeps asking");

        var room = TestPayloads.NewRoomId();
        await node.AskAsync<Joined>(TestPayloads.Join(room, TestPayloads.NewMemberId()));

        var replayed = await warmed.WaitAsync(Wait);
        replayed.PersistenceId.Should().Be(RoomIds.PersistenceIdOf(room));
        replayed.Events.Should().BePositive("the room's first events were replayed and applied");
        await stopped.WaitAsync(Wait);
    }

    [Fact]
    public async Task JournalWithRooms_ReplaysTheNewestRoomReadOnly_WhileTheRoomLivesOn()
    {
        var db = await postgres.Server.CreateDatabaseAsync("warmup");
        await using var node = await ChatNode.StartAsync(db);
        var older = TestPayloads.NewRoomId();
        var newest = TestPayloads.NewRoomId();
        var member = TestPayloads.NewMemberId();
        await node.AskAsync<Joined>(TestPayloads.Join(older, TestPayloads.NewMemberId()));
        await node.AskAsync<Joined>(TestPayloads.Join(newest, member));

        var options = node.Services.GetRequiredService<IOptions<ChatPersistenceOptions>>().Value;
        var rooms = node.Services.GetRequiredService<IOptions<RoomOptions>>().Value;
        var warmed = ListenAsync(node.System);
        var warmUp = node.System.ActorOf(PersistenceWarmUp.Props(options.ConnectionString, options.Schema, rooms));
        var stopped = WatchAsync(node.System, warmUp);

        var replayed = await warmed.WaitAsync(Wait);
        replayed.PersistenceId.Should().Be(RoomIds.PersistenceIdOf(newest));
        replayed.Events.Should().BePositive();
        await stopped.WaitAsync(Wait);

        // Read only: the live room still takes writes at the next sequence number.
        var sent = await node.AskAsync<RoomReply>(TestPayloads.Send(newest, member));
        sent.Should().BeOfType<MessageAccepted>("the warm-up wrote nothing the room would conflict with");
    }

    private static Task<PersistenceWarmedUp> ListenAsync(ActorSystem system)
    {
        var done = new TaskCompletionSource<PersistenceWarmedUp>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listener = system.ActorOf(Props.Create(() => new Listener(done)));
        system.EventStream.Subscribe(listener, typeof(PersistenceWarmedUp));
        return done.Task;
    }

    private static Task WatchAsync(ActorSystem system, IActorRef actor)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        system.ActorOf(Props.Create(() => new Watcher(actor, done)));
        return done.Task;
    }

    /// <summary>Completes with the first warm-up of a room (the warm-up of the empty id is skipped).</summary>
    private sealed class Listener : ReceiveActor
    {
        public Listener(TaskCompletionSource<PersistenceWarmedUp> done) =>
            Receive<PersistenceWarmedUp>(w =>
            {
                if (w.PersistenceId.StartsWith(RoomIds.PersistencePrefix, StringComparison.Ordinal))
                {
                    done.TrySetResult(w);
                }
            });
    }

    private sealed class Watcher : ReceiveActor
    {
        public Watcher(IActorRef watched, TaskCompletionSource done)
        {
            Context.Watch(watched);
            Receive<Terminated>(_ => done.TrySetResult());
        }
    }
}
