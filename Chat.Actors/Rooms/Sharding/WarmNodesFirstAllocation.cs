using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace Chat.Actors.Rooms;

/// <summary>
/// Akka's least-shard allocation, except that a shard without a home goes to a node that has been Up
/// for <see cref="WarmAfter"/> when there is one. A node that has just joined hosts no shards, so Akka
/// gave it every homeless shard at once, and when a node dies those are all of its rooms: they then
/// recovered on a process still compiling its code and opening its connections, past the recovery
/// timeout, and waited up to 18 s (seen when a killed node was restarted in place just as its old
/// incarnation was removed). A new node gets rooms through rebalancing instead, a few shards at a time,
/// each handed over after its last write, once it is warm itself (docs/failover.md). When every node is new (the cluster's
/// start, or a coordinator that has just moved) all are candidates.
/// A node that stops gracefully first marks itself draining (<see cref="DrainingNodes"/>): it is given no
/// shard, and its shards are moved away <see cref="DrainBatch"/> at a time, each room pausing for its own
/// shard's hand-over rather than for all of the node's at once.
/// </summary>
public sealed class WarmNodesFirstAllocation(IShardAllocationStrategy leastShards, TimeProvider clock) : IActorSystemDependentAllocationStrategy
{
    /// <summary>How long after this coordinator first saw a node Up it counts as warm.</summary>
    public static readonly TimeSpan WarmAfter = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the least-shard strategy may rebalance: Akka's rebalance interval, kept although the
    /// coordinator now asks every <c>akka.cluster.sharding.rebalance-interval</c> (short, for draining).
    /// </summary>
    public static readonly TimeSpan RebalanceEvery = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Shards of draining nodes in hand-over at once. The coordinator records each move with two state
    /// writes, one at a time, and a room waits for the writes of every shard moved with its own.
    /// </summary>
    public const int DrainBatch = 4;

    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<Address, DateTimeOffset> _upSince = new();
    private Cluster? _cluster;
    private ActorSystem? _system;
    private DateTimeOffset _lastRebalance = DateTimeOffset.MinValue;

    public void Start(ActorSystem system)
    {
        _system = system;
        _cluster = Cluster.Get(system);
        (leastShards as IActorSystemDependentAllocationStrategy)?.Start(system);
    }

    public async Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        NoteMembersUp();
        var now = clock.GetUtcNow();
        var draining = await DrainingAsync();
        return await leastShards.AllocateShard(requester, shardId, Candidates(currentShardAllocations, region => IsWarm(region, now), draining));
    }

    /// <summary>
    /// Moves shards off draining nodes first, a few at a time. Otherwise rebalancing, too, moves shards
    /// only between warm nodes: a room handed over pauses until it has recovered on its new node, and that
    /// took longest on a process still compiling its code. A node's Up time is noted whenever the
    /// coordinator asks, and a new node receives its share within two <see cref="RebalanceEvery"/> of being warm.
    /// </summary>
    public async Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress)
    {
        NoteMembersUp();
        var now = clock.GetUtcNow();
        var draining = await DrainingAsync();
        var drain = DrainStep(currentShardAllocations, draining, rebalanceInProgress, DrainBatch);
        if (drain.Count > 0 || currentShardAllocations.Any(region => draining(region.Key) && region.Value.Count > 0))
        {
            return drain;
        }

        if (now - _lastRebalance < RebalanceEvery)
        {
            return ImmutableHashSet<string>.Empty;
        }

        _lastRebalance = now;
        return await leastShards.Rebalance(Candidates(currentShardAllocations, region => IsWarm(region, now), draining), rebalanceInProgress);
    }

    /// <summary>
    /// The regions that may take a shard: not draining ones, and of those the warm ones; every region
    /// when that leaves none (a cluster of draining nodes still has to place its rooms somewhere).
    /// </summary>
    public static IImmutableDictionary<IActorRef, IImmutableList<string>> Candidates(
        IImmutableDictionary<IActorRef, IImmutableList<string>> allocations, Func<IActorRef, bool> isWarm, Func<IActorRef, bool>? isDraining = null)
    {
        var open = allocations;
        if (isDraining is not null)
        {
            var staying = allocations.Where(region => !isDraining(region.Key)).ToImmutableDictionary();
            open = staying.Count > 0 && staying.Count < allocations.Count ? staying : allocations;
        }

        var warm = open.Where(region => isWarm(region.Key)).ToImmutableDictionary();
        return warm.Count > 0 ? warm : open;
    }

    /// <summary>
    /// The shards of draining regions to hand over now: up to <paramref name="batch"/> in hand-over at
    /// once, and none while no region is left to take them.
    /// </summary>
    public static IImmutableSet<string> DrainStep(
        IImmutableDictionary<IActorRef, IImmutableList<string>> allocations, Func<IActorRef, bool> isDraining, IImmutableSet<string> rebalanceInProgress, int batch)
    {
        var room = batch - rebalanceInProgress.Count;
        if (room <= 0 || allocations.All(region => isDraining(region.Key)))
        {
            return ImmutableHashSet<string>.Empty;
        }

        return allocations.Where(region => isDraining(region.Key))
            .SelectMany(region => region.Value)
            .Where(shard => !rebalanceInProgress.Contains(shard))
            .Take(room)
            .ToImmutableHashSet();
    }

    private async Task<Func<IActorRef, bool>> DrainingAsync()
    {
        if (_system is not { } system || _cluster is not { } cluster)
        {
            return _ => false;
        }

        var draining = await DrainingNodes.ReadAsync(system, ReadTimeout);
        if (draining.Count == 0)
        {
            return _ => false;
        }

        var members = cluster.State.Members.ToDictionary(m => m.Address, m => DrainingNodes.Id(m.UniqueAddress));
        return region => members.TryGetValue(AddressOf(region), out var id) && draining.Contains(id);
    }

    private void NoteMembersUp()
    {
        if (_cluster is not { } cluster)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var up = cluster.State.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Address).ToHashSet();
        foreach (var address in up)
        {
            _upSince.TryAdd(address, now);
        }

        // A node that left and comes back on the same address is new again.
        foreach (var gone in _upSince.Keys.Where(a => !up.Contains(a)))
        {
            _upSince.TryRemove(gone, out _);
        }
    }

    private bool IsWarm(IActorRef region, DateTimeOffset now) =>
        _upSince.TryGetValue(AddressOf(region), out var since) && now - since >= WarmAfter;

    // The local region's path has no host; it stands for this node.
    private Address AddressOf(IActorRef region) =>
        region.Path.Address.HasLocalScope && _cluster is { } cluster ? cluster.SelfAddress : region.Path.Address;
}
