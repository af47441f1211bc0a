using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;

namespace Chat.Actors.Rooms;

/// <summary>
/// The nodes that are stopping gracefully and want their shards moved away before they leave, kept in
/// distributed data so that the shard coordinator, wherever it lives, reads them locally. An entry names
/// one incarnation (address and uid), so a node restarted on the same address is not draining.
/// </summary>
public static class DrainingNodes
{
    public static readonly ORSetKey<string> Key = new("chat-draining-nodes");

    /// <summary>Starts the replicator, so this node takes part in the set from its start.</summary>
    public static void Start(ActorSystem system) => _ = DistributedData.Get(system).Replicator;

    /// <summary>
    /// Marks this node as draining, on every node; entries of incarnations no longer in the cluster are
    /// dropped on the way, so the set stays as small as the cluster.
    /// </summary>
    public static async Task MarkSelfAsync(ActorSystem system, TimeSpan timeout)
    {
        var cluster = Cluster.Get(system);
        var members = cluster.State.Members.Select(m => Id(m.UniqueAddress)).ToHashSet();
        var self = Id(cluster.SelfUniqueAddress);
        var update = Dsl.Update(Key, ORSet<string>.Empty, new WriteAll(timeout), set =>
            set.Elements.Where(e => !members.Contains(e)).Aggregate(set, (s, gone) => s.Remove(cluster, gone)).Add(cluster, self));
        var response = await DistributedData.Get(system).Replicator.Ask<IUpdateResponse>(update, timeout + timeout);
        if (!response.IsSuccessful)
        {
            throw new TimeoutException($"Not every node confirmed that {self} is draining.");
        }
    }

    /// <summary>The draining incarnations this node knows of (its own replica: no waiting on others).</summary>
    public static async Task<IImmutableSet<string>> ReadAsync(ActorSystem system, TimeSpan timeout)
    {
        var response = await DistributedData.Get(system).Replicator.Ask<IGetResponse>(Dsl.Get(Key, ReadLocal.Instance), timeout);
        return response.IsSuccessful ? response.Get(Key).Elements : ImmutableHashSet<string>.Empty;
    }

    public static string Id(UniqueAddress node) => $"{node.Address}#{node.Uid}";
}
