using Npgsql;

namespace Chat.Bench.Cost;

/// <summary>
/// PostgreSQL's CPU over a window by what each server process serves: client sessions by their
/// <c>application_name</c> (a node names its pools: chat-journal, chat-projection, chat-history), the
/// server's own processes by their type (autovacuum worker, checkpointer, walwriter...). A process that
/// started and ended inside the window is in no group: the tree's total minus the groups shows it.
/// </summary>
public static class PostgresProcesses
{
    public static async Task<IReadOnlyDictionary<int, (string Group, double Milliseconds)>> SampleAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pid, coalesce(backend_type, ''), coalesce(application_name, '') FROM pg_stat_activity", connection);
        var sample = new Dictionary<int, (string, double)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var (pid, type, name) = (reader.GetInt32(0), reader.GetString(1), reader.GetString(2));
            var group = type != "client backend" ? type : name.Length > 0 ? name : "unnamed sessions (the benchmark's own, among others)";
            sample[pid] = (group, ProcessCpu.Of(pid));
        }

        return sample;
    }

    /// <summary>CPU milliseconds per group between two samples, most first; a process new at the end counts whole.</summary>
    public static IReadOnlyList<(string Group, int Processes, double Milliseconds)> Between(
        IReadOnlyDictionary<int, (string Group, double Milliseconds)> start, IReadOnlyDictionary<int, (string Group, double Milliseconds)> end) =>
        [.. end.Select(p => (p.Value.Group, Milliseconds: p.Value.Milliseconds - (start.TryGetValue(p.Key, out var before) ? before.Milliseconds : 0)))
            .GroupBy(p => p.Group)
            .Select(g => (g.Key, g.Count(), g.Sum(p => p.Milliseconds)))
            .OrderByDescending(g => g.Item3)];
}
