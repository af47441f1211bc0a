using System.Globalization;

namespace Chat.Actors.Hosting;

/// <summary>
/// Everything that decides how fast a crashed node's rooms come back: failure detection, the
/// split-brain resolver, the hand-over margin and how often a shard region asks again where a shard
/// lives. Written out in full (not left to Akka's reference defaults) so what docs/failover.md
/// documents is what a node runs.
/// </summary>
internal static class FailoverHocon
{
    /// <summary>
    /// A region whose shard has no home yet asks the coordinator again this often (Akka: 2 s); the
    /// coordinator ignores such requests until the removal margin has passed and does not tell the
    /// region when the dead node's shards are free, so this bounds the wait of every request buffered
    /// meanwhile (0.5 s until 2026-12-03: those requests were answered 0.4-0.5 s after the margin). It
    /// only runs while a region holds messages for a shard without a home: a few small messages a
    /// second per such shard, during a failover.
    /// </summary>
    private static readonly TimeSpan ShardHomeRetry = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How often the leader acts (moves nodes Up, removes downed ones), unreachable nodes are looked
    /// for and each node gossips its view of the cluster (Akka: 1 s each). Cheap in a cluster of a few
    /// nodes: four small messages a second per node. A failover passes through gossip twice (a downing
    /// reaches the leader, the removal reaches the other nodes, whose shard regions until then send the
    /// dead node's rooms their requests) and waits for a leader tick; at 0.5 s that took up to a second.
    /// The heartbeat stays at Akka's 1 s (docs/failover.md says why).
    /// </summary>
    private static readonly TimeSpan ClusterTick = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long the shard coordinator waits for every node to acknowledge a change of where shards
    /// live before it sends the change again (Akka: 5 s). With three nodes a write needs all of them,
    /// and a node that stops just as a write starts never answers it; meanwhile the coordinator holds
    /// every request for a shard's home, so all of a stopping node's rooms waited the whole 5 s
    /// (seen once in CI). A write on a LAN takes milliseconds; a retry is harmless.
    /// </summary>
    private static readonly TimeSpan CoordinatorStateWriteTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the coordinator asks the allocation strategy what to move (Akka: 10 s): a stopping node's
    /// shards are moved a few per ask (<see cref="Rooms.WarmNodesFirstAllocation"/>, which still lets the
    /// least-shard strategy rebalance only every 10 s). An ask with nothing to move costs nothing.
    /// </summary>
    private static readonly TimeSpan RebalanceInterval = TimeSpan.FromMilliseconds(250);

    public static string Build(ChatClusterOptions cluster)
    {
        var o = cluster.SplitBrainResolver;
        var hocon = $"""
            akka.cluster.failure-detector.acceptable-heartbeat-pause = {Milliseconds(cluster.AcceptableHeartbeatPause)}
            akka.cluster.unreachable-nodes-reaper-interval = {Milliseconds(ClusterTick)}
            akka.cluster.leader-actions-interval = {Milliseconds(ClusterTick)}
            akka.cluster.gossip-interval = {Milliseconds(ClusterTick)}
            akka.cluster.downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            akka.cluster.split-brain-resolver.active-strategy = {o.Strategy}
            akka.cluster.split-brain-resolver.stable-after = {Milliseconds(o.StableAfter)}
            akka.cluster.split-brain-resolver.down-all-when-unstable = {(o.DownAllWhenUnstable ? "on" : "off")}
            akka.cluster.down-removal-margin = {Milliseconds(o.DownRemovalMargin)}
            akka.cluster.sharding.retry-interval = {Milliseconds(ShardHomeRetry)}
            akka.cluster.sharding.updating-state-timeout = {Milliseconds(CoordinatorStateWriteTimeout)}
            akka.cluster.sharding.rebalance-interval = {Milliseconds(RebalanceInterval)}
            """;
        if (o.Strategy == SplitBrainResolverOptions.StaticQuorum)
        {
            hocon += $"\nakka.cluster.split-brain-resolver.static-quorum.quorum-size = {o.QuorumSize.ToString(CultureInfo.InvariantCulture)}";
        }

        return hocon;
    }

    private static string Milliseconds(TimeSpan value) =>
        ((long)Math.Ceiling(value.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";
}
