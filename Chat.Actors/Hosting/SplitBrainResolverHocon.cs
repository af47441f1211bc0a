using System.Globalization;

namespace Chat.Actors.Hosting;

/// <summary>
/// The split-brain resolver's HOCON from <see cref="SplitBrainResolverOptions"/>. Written out in full
/// (not left to Akka's reference defaults) so what the README documents is what a node runs.
/// </summary>
internal static class SplitBrainResolverHocon
{
    public static string Build(SplitBrainResolverOptions o)
    {
        var stableAfter = Milliseconds(o.StableAfter);
        var hocon = $"""
            akka.cluster.downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            akka.cluster.split-brain-resolver.active-strategy = {o.Strategy}
            akka.cluster.split-brain-resolver.stable-after = {stableAfter}
            akka.cluster.split-brain-resolver.down-all-when-unstable = {(o.DownAllWhenUnstable ? "on" : "off")}
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
