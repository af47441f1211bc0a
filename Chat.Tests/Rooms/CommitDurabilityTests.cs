using Chat.Actors.Hosting;
using Chat.Actors.Persistence;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Rooms;

/// <summary>A node says at start when PostgreSQL may lose commits it confirmed, i.e. messages the rooms acknowledged.</summary>
[Collection(PostgresCollection.Name)]
public sealed class CommitDurabilityTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData("on", "on", new string[0])]
    [InlineData("local", "on", new string[0])]
    [InlineData("remote_apply", "on", new string[0])]
    [InlineData("off", "on", new[] { "synchronous_commit=off" })]
    [InlineData("on", "off", new[] { "fsync=off" })]
    [InlineData("OFF", "off", new[] { "synchronous_commit=OFF", "fsync=off" })]
    public void OnlyAsynchronousCommitsAndNoFsync_PutAcknowledgedMessagesAtRisk(string synchronousCommit, string fsync, string[] risks) =>
        CommitDurability.Risks(synchronousCommit, fsync).Should().Equal(risks);

    [Fact]
    public async Task ADatabaseThatCommitsAsynchronously_IsNamedInAWarningAtStart()
    {
        var db = await postgres.Server.CreateDatabaseAsync("async_commit");
        await SetSynchronousCommitAsync(db, "off");

        var warnings = await MigrateAsync(db);

        warnings.Should().ContainSingle().Which.Should().Contain("synchronous_commit=off");
    }

    [Fact]
    public async Task ADatabaseThatCommitsDurably_IsNotNamedForIt()
    {
        var db = await postgres.Server.CreateCrashSafeDatabaseAsync("sync_commit");

        var warnings = await MigrateAsync(db);

        // fsync is the server's, not the database's: the test server may run without it.
        warnings.Should().NotContain(w => w.Contains("synchronous_commit=off", StringComparison.Ordinal));
    }

    private static async Task<List<string>> MigrateAsync(string db)
    {
        var logs = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var service = new DatabaseMigrationService(
            Options.Create(new ChatPersistenceOptions { ConnectionString = db }),
            loggers.CreateLogger<DatabaseMigrationService>());

        await service.StartAsync(CancellationToken.None);

        logs.Lines.Should().Contain(l => l.Contains("Database ready", StringComparison.Ordinal), "the migration ran first");
        return [.. logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal))];
    }

    private async Task SetSynchronousCommitAsync(string db, string value)
    {
        var name = new Npgsql.NpgsqlConnectionStringBuilder(db).Database;
        await ReadModelTables.ExecuteAsync(postgres.Server.AdminConnectionString, $"ALTER DATABASE \"{name}\" SET synchronous_commit = {value}");
    }
}
