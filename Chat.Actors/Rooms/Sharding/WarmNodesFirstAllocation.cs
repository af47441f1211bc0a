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
/// </summary>
public sealed class WarmNodesFirstAllocation(IShardAllocationStrategy leastShards, TimeProvider clock) : IActorSystemDependentAllocationStrategy
{
    /// <summary>How long after this coordinator first saw a node Up it counts as warm.</summary>
    public static readonly TimeSpan WarmAfter = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<Address, DateTimeOffset> _upSince = new();
    private Cluster? _cluster;

    public void Start(ActorSystem system)
    {
        _cluster = Cluster.Get(system);
        (leastShards as IActorSystemDependentAllocationStrategy)?.Start(system);
    }

    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        NoteMembersUp();
        var now = clock.GetUtcNow();
        return leastShards.AllocateShard(requester, shardId, Candidates(currentShardAllocations, region => IsWarm(region, now)));
    }

    /// <summary>
    /// Rebalancing, too, moves shards only between warm nodes: a room handed over pauses until it has
    /// recovered on its new node, and that took longest on a process still compiling its code. The
    /// coordinator asks every rebalance interval, so a node's Up time is noted within one, and a new node
    /// receives its share within two intervals of being warm.
    /// </summary>
    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress)
    {
        NoteMembersUp();
        var now = clock.GetUtcNow();
        return leastShards.Rebalance(Candidates(currentShardAllocations, region => IsWarm(region, now)), rebalanceInProgress);
    }

    /// <summary>The warm regions; all regions when none is warm.</summary>
    public static IImmutableDictionary<IActorRef, IImmutableList<string>> Candidates(
        IImmutableDictionary<IActorRef, IImmutableList<string>> allocations, Func<IActorRef, bool> isWarm)
    {
        var warm = allocations.Where(region => isWarm(region.Key)).ToImmutableDictionary();
        return warm.Count > 0 ? warm : allocations;
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

    private bool IsWarm(IActorRef region, DateTimeOffset now)
    {
        // The local region's path has no host; it stands for this node.
        var address = region.Path.Address.HasLocalScope && _cluster is { } cluster ? cluster.SelfAddress : region.Path.Address;
        return _upSince.TryGetValue(address, out var since) && now - since >= WarmAfter;
    }
}
