namespace Chat.Actors.Hosting;

/// <summary>
/// How the cluster removes nodes it can no longer reach, bound from <c>Chat:Cluster:SplitBrainResolver</c>.
/// A crashed node's rooms come back after failure detection, <see cref="StableAfter"/> and
/// <see cref="DownRemovalMargin"/>; docs/failover.md explains the defaults and what they trade.
/// </summary>
public sealed class SplitBrainResolverOptions
{
    public const string KeepMajority = "keep-majority";
    public const string KeepOldest = "keep-oldest";
    public const string StaticQuorum = "static-quorum";
    public const string DownAll = "down-all";

    /// <summary>Strategies the node accepts; lease-majority needs a lease implementation the chat does not ship.</summary>
    public static readonly IReadOnlyList<string> Strategies = [KeepMajority, KeepOldest, StaticQuorum, DownAll];

    /// <summary>Which side of a partition survives; <c>keep-majority</c> keeps the larger side.</summary>
    public string Strategy { get; set; } = KeepMajority;

    /// <summary>
    /// Membership must be unchanged this long before a downing decision. Akka's default is 20 s, sized
    /// for large clusters; too short, and a long pause (GC, a saturated machine) downs a healthy node.
    /// </summary>
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromSeconds(2.5);

    /// <summary>
    /// How long after a node is removed its shards and singletons start elsewhere, so that the losing
    /// side of a partition has stopped its rooms first. Akka uses <see cref="StableAfter"/> again when
    /// unset, which doubles the failover time; the journal's unique (room, seq) key already refuses a
    /// second writer, so a short margin loses no acknowledged message (docs/failover.md).
    /// </summary>
    public TimeSpan DownRemovalMargin { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Down every node when membership keeps changing for too long (3/4 of <see cref="StableAfter"/>
    /// on top of it); Akka's default. Turn off only where nothing restarts downed nodes.
    /// </summary>
    public bool DownAllWhenUnstable { get; set; } = true;

    /// <summary>Smallest cluster that may keep running; required with <c>static-quorum</c> only.</summary>
    public int QuorumSize { get; set; }
}
