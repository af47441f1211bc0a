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
    public void DrainingNode_IsGivenNoShard_EvenWhenItIsTheEmptiestAndWarm()
    {
        var allocations = Allocations((_busy, ["1", "2", "3"]), (_quiet, ["4"]), (_joined, []));

        var candidates = WarmNodesFirstAllocation.Candidates(allocations, _ => true, region => region == _joined);

        candidates.Keys.Should().BeEquivalentTo([_busy, _quiet], "a stopping node would only have to hand the shard over again");
    }

    [Fact]
    public void WhenEveryNodeIsDraining_EveryRegionIsStillACandidate()
    {
        var allocations = Allocations((_busy, ["1"]), (_quiet, ["2"]));

        WarmNodesFirstAllocation.Candidates(allocations, _ => true, _ => true).Keys.Should().BeEquivalentTo([_busy, _quiet], "rooms must live somewhere");
    }

    [Fact]
    public void DrainingNode_HandsItsShardsOverAFewAtATime()
    {
        var allocations = Allocations((_busy, ["1", "2", "3", "4", "5", "6"]), (_quiet, ["7"]));
        bool Draining(IActorRef region) => region == _busy;

        var first = WarmNodesFirstAllocation.DrainStep(allocations, Draining, ImmutableHashSet<string>.Empty, batch: 4);
        first.Should().HaveCount(4).And.BeSubsetOf(["1", "2", "3", "4", "5", "6"]);

        WarmNodesFirstAllocation.DrainStep(allocations, Draining, first, batch: 4)
            .Should().BeEmpty("a batch is still being handed over");

        var inProgress = ImmutableHashSet.Create(first.First());
        var next = WarmNodesFirstAllocation.DrainStep(allocations, Draining, inProgress, batch: 4);
        next.Should().HaveCount(3, "one of the batch is still moving").And.NotContain(inProgress);
    }

    [Fact]
    public void DrainingNodes_KeepTheirShards_WhenNoOtherNodeCouldTakeThem()
    {
        var allocations = Allocations((_busy, ["1", "2"]), (_quiet, ["3"]));

        WarmNodesFirstAllocation.DrainStep(allocations, _ => true, ImmutableHashSet<string>.Empty, batch: 4).Should().BeEmpty();
        WarmNodesFirstAllocation.DrainStep(allocations, _ => false, ImmutableHashSet<string>.Empty, batch: 4).Should().BeEmpty("no node is draining");
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
