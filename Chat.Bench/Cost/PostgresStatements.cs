using Npgsql;

namespace Chat.Bench.Cost;

/// <summary>
/// One statement's share of a window, from pg_stat_statements: planning and execution time (parsing and the WAL
/// flush of a commit are in neither).
/// </summary>
public sealed record StatementCost(long Calls, double PlanMilliseconds, double ExecutionMilliseconds, long Rows, string Query)
{
    public double TotalMilliseconds => PlanMilliseconds + ExecutionMilliseconds;
}

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
        await using var command = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset(); SELECT pg_stat_reset_shared('wal')", connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<IReadOnlyList<StatementCost>> TopAsync(string connectionString, int count)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT calls, total_plan_time, total_exec_time, rows, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements " +
            "ORDER BY total_plan_time + total_exec_time DESC LIMIT @count",
            connection);
        command.Parameters.AddWithValue("count", count);
        var top = new List<StatementCost>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var query = reader.GetString(4);
            top.Add(new StatementCost(reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetInt64(3), query.Length > 140 ? query[..140] + "…" : query));
        }

        return top;
    }

    /// <summary>The write-ahead log written since the last reset: records, full-page images (a page's first change after a checkpoint), bytes.</summary>
    public static async Task<WalWritten> WalAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new WalWritten(reader.GetInt64(0), reader.GetInt64(1), (long)reader.GetDecimal(2));
    }
}

/// <summary>What PostgreSQL wrote to its write-ahead log over a window (pg_stat_wal).</summary>
public sealed record WalWritten(long Records, long FullPageImages, long Bytes);
