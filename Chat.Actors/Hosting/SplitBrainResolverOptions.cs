namespace Chat.Actors.Hosting;

/// <summary>
/// How the cluster removes nodes it can no longer reach, bound from <c>Chat:Cluster:SplitBrainResolver</c>.
/// A crashed node's rooms are unavailable until it is downed, so <see cref="StableAfter"/> is the main
/// part of the failover time; too short, and a long GC pause or network hiccup downs a healthy node.
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

    /// <summary>Membership must be unchanged this long before a downing decision (Akka's default, 20 s).</summary>
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Down every node when membership keeps changing for too long (3/4 of <see cref="StableAfter"/>
    /// on top of it); Akka's default. Turn off only where nothing restarts downed nodes.
    /// </summary>
    public bool DownAllWhenUnstable { get; set; } = true;

    /// <summary>Smallest cluster that may keep running; required with <c>static-quorum</c> only.</summary>
    public int QuorumSize { get; set; }
}
