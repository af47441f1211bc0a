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
    /// coordinator does not tell it when the dead node's shards are free, so this bounds the wait.
    /// </summary>
    private static readonly TimeSpan ShardHomeRetry = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How often the leader acts (moves nodes Up, removes downed ones) and unreachable nodes are
    /// looked for (Akka: 1 s each). Cheap in a cluster of a few nodes; each saves half a second on average.
    /// </summary>
    private static readonly TimeSpan ClusterTick = TimeSpan.FromMilliseconds(500);

    public static string Build(ChatClusterOptions cluster)
    {
        var o = cluster.SplitBrainResolver;
        var hocon = $"""
            akka.cluster.failure-detector.acceptable-heartbeat-pause = {Milliseconds(cluster.AcceptableHeartbeatPause)}
            akka.cluster.unreachable-nodes-reaper-interval = {Milliseconds(ClusterTick)}
            akka.cluster.leader-actions-interval = {Milliseconds(ClusterTick)}
            akka.cluster.downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            akka.cluster.split-brain-resolver.active-strategy = {o.Strategy}
            akka.cluster.split-brain-resolver.stable-after = {Milliseconds(o.StableAfter)}
            akka.cluster.split-brain-resolver.down-all-when-unstable = {(o.DownAllWhenUnstable ? "on" : "off")}
            akka.cluster.down-removal-margin = {Milliseconds(o.DownRemovalMargin)}
            akka.cluster.sharding.retry-interval = {Milliseconds(ShardHomeRetry)}
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
