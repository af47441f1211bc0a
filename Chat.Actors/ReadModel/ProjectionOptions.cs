namespace Chat.Actors.ReadModel;

/// <summary>The read-model projection, bound from <c>Chat:Projection</c>.</summary>
public sealed class ProjectionOptions
{
    public const string Section = "Chat:Projection";

    /// <summary>Runs the projection (one instance per cluster, on the oldest node).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most events read in one page and written in one transaction.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long the projection waits before reading again once it has caught up (or waits for a gap).</summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long a missing journal ordering is waited for before it is skipped: a write still in flight
    /// commits well within it (a journal call times out after <c>Chat:Persistence:CallTimeout</c>); one
    /// that rolled back never fills it.
    /// </summary>
    public TimeSpan GapTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>First wait before restarting after a failure (PostgreSQL down); doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);
}
