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

    /// <summary>
    /// The messages logged at Warning or above after <paramref name="since"/>, without the failure
    /// detector's growing-interval notes (many, expected on a busy machine) and the failing health checks of a node that is still joining (the tests poll them). The console logger puts
    /// the level on one line and the message on the next.
    /// </summary>
    public static IEnumerable<(DateTime At, string Message)> Warnings(IReadOnlyList<(DateTime At, string Line)> lines, DateTime since)
    {
        for (var i = 0; i + 1 < lines.Count; i++)
        {
            var (at, line) = lines[i];
            var message = lines[i + 1].Line.Trim();
            if (at >= since
                && (line.StartsWith("warn: ", StringComparison.Ordinal) || line.StartsWith("fail: ", StringComparison.Ordinal) || line.StartsWith("crit: ", StringComparison.Ordinal))
                && !message.Contains("heartbeat interval is growing", StringComparison.Ordinal)
                && !message.StartsWith("Health check ", StringComparison.Ordinal))
            {
                yield return (at, message.Length > 300 ? message[..300] : message);
            }
        }
    }
}
