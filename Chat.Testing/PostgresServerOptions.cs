namespace Chat.Testing;

/// <summary>How a <see cref="PostgresServer"/> runs.</summary>
public sealed record PostgresServerOptions
{
    /// <summary>The tests' server: durability off, since its databases live for one run and never see a crash.</summary>
    public static PostgresServerOptions Tests { get; } = new() { ExternalServerVariable = "CHAT_TEST_PG" };

    /// <summary>
    /// The benchmark's server: PostgreSQL's durable defaults (fsync, synchronous_commit), since a benchmark with
    /// durability off would measure a database nobody runs; room for the pools and per-statement statistics.
    /// </summary>
    public static PostgresServerOptions Benchmark { get; } = new() { Durable = true, MaxConnections = 300, PreloadLibraries = "pg_stat_statements", MaxPoolSize = 200 };

    public bool Durable { get; init; }

    public int MaxConnections { get; init; } = 200;

    /// <summary><c>shared_preload_libraries</c>, if any; with pg_stat_statements, its planning time is tracked too.</summary>
    public string? PreloadLibraries { get; init; }

    /// <summary>Connections per pool of <see cref="PostgresServer.ConnectionString"/> (Npgsql's default is 100).</summary>
    public int MaxPoolSize { get; init; } = 100;

    /// <summary>An environment variable that may name an existing server (a connection string allowed to create databases) to use instead.</summary>
    public string? ExternalServerVariable { get; init; }
}
