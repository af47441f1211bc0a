using Chat.Testing;

namespace Chat.Tests.Infrastructure;

/// <summary>One PostgreSQL server per test collection, and one fresh database for the fixture.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("PostgreSQL is not started.");

    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(PostgresServerOptions.Tests);
        ConnectionString = await _server.CreateDatabaseAsync("chat");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}

/// <summary>
/// Tests that time a cluster's failover run alone, after every parallel collection, on their own
/// PostgreSQL: their bounds are about the cluster, not about CPU shared with other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedClusterCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "timed-cluster";
}
