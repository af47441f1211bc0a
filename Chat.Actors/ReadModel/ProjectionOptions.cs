namespace Chat.Actors.ReadModel;

/// <summary>The read-model projection, bound from <c>Chat:Projection</c>.</summary>
public sealed class ProjectionOptions
{
    public const string Section = "Chat:Projection";

    /// <summary>Runs the projection (one instance per cluster, on the oldest node).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Most events written in one transaction.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Longest a partial batch waits for more events before it is written.</summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>First wait before restarting after a failure (PostgreSQL down); doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);
}
