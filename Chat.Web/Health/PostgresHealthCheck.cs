using Chat.Actors.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Chat.Web.Health;

/// <summary>The journal's database answers a query.</summary>
public sealed class PostgresHealthCheck(IOptions<ChatPersistenceOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(options.Value.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // A restarted server leaves dead connections in the pool: drop them, so that the next check
            // reports the database as it is, not a connection it already closed.
            NpgsqlConnection.ClearPool(connection);

            // Npgsql's message names host and problem, never the password.
            return HealthCheckResult.Unhealthy($"PostgreSQL: {e.Message}");
        }
    }
}
