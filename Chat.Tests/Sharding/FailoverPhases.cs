namespace Chat.Tests.Sharding;

/// <summary>What Akka.NET logs (at Information) at each phase of a failover, in order.</summary>
internal static class FailoverPhases
{
    public static readonly IReadOnlyList<(string Phase, string Marker)> Markers =
    [
        ("failure detected (unreachable)", "Marking node(s) as UNREACHABLE"),
        ("new incarnation joining", "New incarnation of existing member"),
        ("downing decision", "SBR took decision"),
        ("old node marked down", "as [Down]"),
        ("removal by the leader", "Leader is removing"),
        ("removal seen by sharding", "Member removed"),
        ("new incarnation joining (leader)", "is JOINING"),
        ("new incarnation up", "to [Up]"),
        ("node exiting (graceful)", "to [Exiting]"),
    ];
}
