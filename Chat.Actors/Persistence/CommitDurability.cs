using Npgsql;

namespace Chat.Actors.Persistence;

/// <summary>
/// Whether PostgreSQL keeps what it confirmed. A room acknowledges a message once its journal write
/// commits; with <c>synchronous_commit=off</c> a crash of PostgreSQL loses the last commits it had
/// confirmed, and with <c>fsync=off</c> a crash of the machine can. The room then numbers the next
/// message as one already acknowledged (docs/rooms.md, "When the database goes away").
/// </summary>
public static class CommitDurability
{
    /// <summary>The settings that put acknowledged messages at risk, as <c>name=value</c>; empty when none does.</summary>
    public static IReadOnlyList<string> Risks(string synchronousCommit, string fsync)
    {
        var risks = new List<string>();
        if (string.Equals(synchronousCommit, "off", StringComparison.OrdinalIgnoreCase))
        {
            risks.Add($"synchronous_commit={synchronousCommit}");
        }

        if (string.Equals(fsync, "off", StringComparison.OrdinalIgnoreCase))
        {
            risks.Add($"fsync={fsync}");
        }

        return risks;
    }

    /// <summary>The risks of the settings a session on <paramref name="connectionString"/> gets (a database's or role's own settings included).</summary>
    public static async Task<IReadOnlyList<string>> ReadRisksAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT current_setting('synchronous_commit'), current_setting('fsync')", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Risks(reader.GetString(0), reader.GetString(1));
    }
}
