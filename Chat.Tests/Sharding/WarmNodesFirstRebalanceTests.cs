using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.TestKit.Xunit2;
using Chat.Actors.Rooms;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Sharding;

/// <summary>The strategy in a real one-node cluster: what it lets Akka's least-shard rebalance choose from.</summary>
public sealed class WarmNodesFirstRebalanceTests() : TestKit("""
    akka.actor.provider = cluster
    akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
    akka.cluster.min-nr-of-members = 1
    """)
{
    [Fact]
    public async Task ANodeNotYetWarm_IsGivenNoShardsByRebalancing_UntilItIs()
    {
        var cluster = Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.SelfMember.Status == MemberStatus.Up, TimeSpan.FromSeconds(10));

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var leastShards = new RecordingStrategy();
        var strategy = new WarmNodesFirstAllocation(leastShards, clock);
        strategy.Start(Sys);

        // This node's region, and one on a node the coordinator has not seen Up: a process still starting.
        var here = TestActor;
        var starting = ((ExtendedActorSystem)Sys).Provider.ResolveActorRef($"akka.tcp://{Sys.Name}@127.0.0.1:1/system/sharding/room");
        var allocations = ImmutableDictionary<IActorRef, IImmutableList<string>>.Empty
            .Add(here, ImmutableList.Create("1", "2", "3", "4"))
            .Add(starting, ImmutableList<string>.Empty);

        await strategy.Rebalance(allocations, ImmutableHashSet<string>.Empty);
        leastShards.Offered.Should().BeEquivalentTo([here, starting], "when no node is warm yet (a cluster starting) every node counts");

        clock.Advance(WarmNodesFirstAllocation.WarmAfter);
        await strategy.Rebalance(allocations, ImmutableHashSet<string>.Empty);
        leastShards.Offered.Should().BeEquivalentTo([here], "a room moved to a node still compiling its code pauses until it has recovered there");
    }

    /// <summary>Akka's strategy would move shards to the emptiest region it is offered; this one records the offer.</summary>
    private sealed class RecordingStrategy : IShardAllocationStrategy
    {
        public IReadOnlyCollection<IActorRef> Offered { get; private set; } = [];

        public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations) =>
            Task.FromResult(currentShardAllocations.Keys.First());

        public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress)
        {
            Offered = [.. currentShardAllocations.Keys];
            return Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty);
        }
    }
}
