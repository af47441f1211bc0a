using Chat.Actors.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Chat.Actors.Persistence;

/// <summary>
/// Creates the journal's schema before the actor system starts: Akka.Persistence.Sql creates its
/// tables but fails forever on a schema that does not exist. Retries while PostgreSQL comes up.
/// </summary>
public sealed partial class JournalSchemaInitializer(
    IOptions<ChatPersistenceOptions> options,
    ILogger<JournalSchemaInitializer> logger) : IHostedService
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
        var schema = options.Value.Schema;
        await Retry.ExecuteAsync(
            async token =>
            {
                await using var connection = new NpgsqlConnection(options.Value.ConnectionString);
                await connection.OpenAsync(token);
                await using var command = connection.CreateCommand();

                // The schema name was checked against ^[a-z_][a-z0-9_]*$ at start, so quoting it is enough.
                command.CommandText = $"CREATE SCHEMA IF NOT EXISTS \"{schema}\"";
                await command.ExecuteNonQueryAsync(token);
            },
            cancellationToken);
        LogSchemaReady(logger, schema);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Journal schema {Schema} is ready")]
    private static partial void LogSchemaReady(ILogger logger, string schema);
}
