using Npgsql;

namespace Chat.Bench.Cost;

/// <summary>One statement's share of a window, from pg_stat_statements (execution time only: parse, plan and commit's WAL flush are not in it).</summary>
public sealed record StatementCost(long Calls, double TotalMilliseconds, long Rows, string Query);

/// <summary>
/// Where PostgreSQL's time goes during a window: pg_stat_statements (the benchmark's PostgreSQL preloads
/// it) reset at the window's start and read at its end, over every database of the server.
/// </summary>
public static class PostgresStatements
{
    public static async Task ResetAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()", connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<IReadOnlyList<StatementCost>> TopAsync(string connectionString, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT calls, total_exec_time, rows, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT @count",
            connection);
        command.Parameters.AddWithValue("count", count);
        var top = new List<StatementCost>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var query = reader.GetString(3);
            top.Add(new StatementCost(reader.GetInt64(0), reader.GetDouble(1), reader.GetInt64(2), query.Length > 140 ? query[..140] + "…" : query));
        }

        return top;
    }
}
