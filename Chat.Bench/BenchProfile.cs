namespace Chat.Bench;

/// <summary>
/// Sizes and durations of every scenario. <c>short</c> takes a few minutes on a 2-core machine;
/// <c>long</c> runs longer windows and aims at 10,000 WebSocket clients on one node.
/// </summary>
public sealed record BenchProfile
{
    public required string Name { get; init; }

    /// <summary>Untimed load before every timed window: JIT, pools, caches and shard allocation settle.</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan BaselineWindow { get; init; } = TimeSpan.FromSeconds(5);

    public int PgMultiRowConnections { get; init; } = 4;

    public int PgRowsPerStatement { get; init; } = 100;

    public int PgSingleRowConnections { get; init; } = 8;

    public int NatsConcurrentRequests { get; init; } = 64;

    public int NatsPublishMessages { get; init; } = 1_000_000;

    /// <summary>Ciphertext bytes of a message: the envelope pads a signed chat line to 512 bytes, plus the 16-byte tag.</summary>
    public int CiphertextBytes { get; init; } = 528;

    public int Rooms { get; init; } = 1_000;

    public TimeSpan ServiceWindow { get; init; } = TimeSpan.FromSeconds(10);

    public int SustainedOutstanding { get; init; } = 500;

    public int HotRoomOutstanding { get; init; } = 200;

    public int OfferedLoadPerSecond { get; init; } = 2_000;

    public int WsClients { get; init; } = 500;

    public int WsClientsPerRoom { get; init; } = 5;

    /// <summary>Sends per second by each WebSocket client, open loop (a busy conversation, not a flood).</summary>
    public double WsSendsPerClientPerSecond { get; init; } = 0.5;

    public TimeSpan WsWindow { get; init; } = TimeSpan.FromSeconds(15);

    public int ColdJoins { get; init; } = 200;

    public int RecoveryEvents { get; init; } = 10_000;

    public int RecoveryRepeats { get; init; } = 5;

    public int MemoryRooms { get; init; } = 2_000;

    public static BenchProfile ShortRun { get; } = new() { Name = "short" };

    public static BenchProfile LongRun { get; } = new()
    {
        Name = "long",
        WarmUp = TimeSpan.FromSeconds(5),
        BaselineWindow = TimeSpan.FromSeconds(15),
        NatsPublishMessages = 3_000_000,
        ServiceWindow = TimeSpan.FromSeconds(30),
        WsClients = 10_000,
        WsSendsPerClientPerSecond = 0.05,
        WsWindow = TimeSpan.FromSeconds(60),
        ColdJoins = 1_000,
        RecoveryRepeats = 10,
        MemoryRooms = 10_000,
    };

    public static BenchProfile Named(string name) => name switch
    {
        "short" => ShortRun,
        "long" => LongRun,
        _ => throw new ArgumentException($"Unknown profile {name}: use short or long.", nameof(name)),
    };
}
