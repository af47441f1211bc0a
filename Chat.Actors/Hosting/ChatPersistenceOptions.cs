namespace Chat.Actors.Hosting;

/// <summary>
/// The journal and snapshot store on PostgreSQL. The connection string is <c>ConnectionStrings:Chat</c>;
/// the rest is bound from <c>Chat:Persistence</c>. Defaults are the settings measured best on a
/// small machine (see docs/capacity.md and docs/benchmarks/).
/// </summary>
public sealed class ChatPersistenceOptions
{
    public const string Section = "Chat:Persistence";

    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>PostgreSQL schema of the journal and snapshot tables (and the tag table the plugin creates, unused); created at start if missing.</summary>
    public string Schema { get; set; } = "akka";

    /// <summary>
    /// Concurrent journal writes. One: events that arrive while a write is under way wait for it and go
    /// together in the next (by <c>COPY</c>), so a busy node runs fewer, larger transactions. Measured
    /// against 3 (docs/read-model.md): less CPU per send for the node and PostgreSQL, more sends a second,
    /// shorter waits.
    /// </summary>
    public int Parallelism { get; set; } = 1;

    /// <summary>
    /// Connections the journal, snapshot store and read journal may hold together (the connection string's
    /// own pool size is not used for them). Npgsql hands out its idle connections oldest first, so a pool
    /// that a burst of recoveries once grew to forty connections sent every later write to the next of forty
    /// server processes in turn; eight kept warm cost PostgreSQL a third less CPU per send (docs/read-model.md).
    /// </summary>
    public int MaxPoolSize { get; set; } = 8;

    /// <summary>Events per journal round trip; 100 beat 500.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// How a journal batch of several events goes in: <c>copy</c> (binary <c>COPY</c>, nothing to parse or
    /// plan), or one multi-row <c>INSERT</c> carrying its values as bind parameters (<c>parameterized</c>)
    /// or as literals in the SQL text (<c>inline</c>).
    /// </summary>
    public string InsertMode { get; set; } = "copy";

    /// <summary>
    /// A journal write that takes longer fails (the room answers <c>room.unavailable</c>); after ten
    /// such failures in a row the journal's circuit breaker opens for <see cref="BreakerResetTimeout"/>.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the journal's and the snapshot store's circuit breakers stay open before one call may try
    /// the database again. Akka's default (30 s) kept rooms down for up to a minute after PostgreSQL came
    /// back; a trial per second costs one refused connection while it is away (docs/rooms.md).
    /// </summary>
    public TimeSpan BreakerResetTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the read journal polls for new events (projection latency).</summary>
    public TimeSpan QueryRefreshInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}
