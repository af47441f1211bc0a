using System.Collections.Immutable;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Chat.Actors.Rooms;

namespace Chat.Tests.Sharding;

public sealed class WarmNodesFirstAllocationTests : TestKit
{
    private readonly IActorRef _busy;
    private readonly IActorRef _quiet;
    private readonly IActorRef _joined;

    public WarmNodesFirstAllocationTests()
    {
        _busy = CreateTestProbe().Ref;
        _quiet = CreateTestProbe().Ref;
        _joined = CreateTestProbe().Ref;
    }

    [Fact]
    public void HomelessShard_GoesToAWarmNode_NotToOneThatJustJoined()
    {
        var allocations = Allocations((_busy, ["1", "2", "3"]), (_quiet, ["4"]), (_joined, []));

        var candidates = WarmNodesFirstAllocation.Candidates(allocations, region => region != _joined);

        candidates.Keys.Should().BeEquivalentTo([_busy, _quiet], "the emptiest region would otherwise be the one still starting");
    }

    [Fact]
    public void WhenNoNodeIsWarm_EveryRegionIsACandidate()
    {
        var allocations = Allocations((_busy, []), (_quiet, []), (_joined, []));

        WarmNodesFirstAllocation.Candidates(allocations, _ => false).Should().BeSameAs(allocations, "at the cluster's start every node is as cold as the others");
    }

    [Fact]
    public async Task WithoutAClusterToAsk_NoNodeIsWarm_AndTheLeastShardStrategyChoosesAmongAll()
    {
        var allocations = Allocations((_busy, ["1", "2", "3"]), (_quiet, ["4"]), (_joined, []));
        var strategy = new WarmNodesFirstAllocation(new PickFewest(), TimeProvider.System);

        (await strategy.AllocateShard(_busy, "5", allocations)).Should().Be(_joined);
    }

    private static ImmutableDictionary<IActorRef, IImmutableList<string>> Allocations(params (IActorRef Region, string[] Shards)[] regions) =>
        regions.ToImmutableDictionary(r => r.Region, r => (IImmutableList<string>)r.Shards.ToImmutableList());

    /// <summary>Least-shard allocation without the cluster: the region with the fewest shards.</summary>
    private sealed class PickFewest : Akka.Cluster.Sharding.IShardAllocationStrategy
    {
        public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations) =>
            Task.FromResult(currentShardAllocations.MinBy(r => r.Value.Count).Key);

        public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress) =>
            Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty);
    }
}
