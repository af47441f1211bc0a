using Chat.Actors.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Chat.Actors.Persistence;

/// <summary>
/// Runs <see cref="SchemaMigrator"/> when the node starts, before the actor system, retrying while
/// PostgreSQL comes up, and warns when PostgreSQL may lose commits it confirmed (<see cref="CommitDurability"/>).
/// </summary>
public sealed partial class DatabaseMigrationService(
    IOptions<ChatPersistenceOptions> options,
    ILogger<DatabaseMigrationService> logger) : IHostedService
{
    private static readonly ResiliencePipeline Retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(e => e.IsTransient).Handle<System.Net.Sockets.SocketException>(),
            MaxRetryAttempts = 10,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            MaxDelay = TimeSpan.FromSeconds(5),
        })
        .Build();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await Retry.ExecuteAsync(
            async token => await SchemaMigrator.MigrateAsync(options.Value.ConnectionString, options.Value.Schema, token),
            cancellationToken);
        LogMigrated(logger, options.Value.Schema, applied.Count == 0 ? "none" : string.Join(", ", applied));

        var risks = await CommitDurability.ReadRisksAsync(options.Value.ConnectionString, cancellationToken);
        if (risks.Count > 0)
        {
            LogCommitsAtRisk(logger, string.Join(", ", risks));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Database ready: journal schema {Schema}, migrations applied now: {Applied}")]
    private static partial void LogMigrated(ILogger logger, string schema, string applied);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "PostgreSQL may lose commits it confirmed ({Settings}): a crash can lose messages the rooms acknowledged; run the journal's database with synchronous_commit=on and fsync=on")]
    private static partial void LogCommitsAtRisk(ILogger logger, string settings);
}
