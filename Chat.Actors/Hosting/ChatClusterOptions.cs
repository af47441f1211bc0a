namespace Chat.Actors.Hosting;

/// <summary>
/// Where this node listens and whom it joins, bound from <c>Chat:Cluster</c>:
/// <code>
/// "Chat": { "Cluster": { "Hostname": "127.0.0.1", "Port": 4053, "SeedNodes": [ "akka.tcp://chat@10.0.0.1:4053" ], "Roles": [ "chat" ] } }
/// </code>
/// </summary>
public sealed class ChatClusterOptions
{
    public const string Section = "Chat:Cluster";

    /// <summary>Every node of one cluster uses the same actor system name; seed node addresses contain it.</summary>
    public const string SystemName = "chat";

    /// <summary>Address to bind; 0.0.0.0 in containers, with <see cref="PublicHostname"/> set.</summary>
    public string Hostname { get; set; } = "127.0.0.1";

    /// <summary>Address other nodes use to reach this one, when it differs from <see cref="Hostname"/>.</summary>
    public string? PublicHostname { get; set; }

    /// <summary>Akka remoting port; 0 picks a free one (single-node tests).</summary>
    public int Port { get; set; } = 4053;

    /// <summary>Addresses such as <c>akka.tcp://chat@host:4053</c>. Empty: the node forms a cluster of its own.</summary>
    public List<string> SeedNodes { get; set; } = [];

    public List<string> Roles { get; set; } = ["chat"];

    /// <summary>Number of shards rooms are spread over; must never change while any node of the cluster runs.</summary>
    public int ShardCount { get; set; } = 100;

    /// <summary>
    /// How long a node may go without heartbeats (1 per second) before the others call it unreachable;
    /// Akka's default is 3 s. Detection takes about this plus 1-2 s; a node is downed only when it stays
    /// unreachable for <see cref="SplitBrainResolverOptions.StableAfter"/> on top (docs/failover.md).
    /// </summary>
    public TimeSpan AcceptableHeartbeatPause { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Downing of unreachable nodes (<c>Chat:Cluster:SplitBrainResolver</c>).</summary>
    public SplitBrainResolverOptions SplitBrainResolver { get; set; } = new();
}
