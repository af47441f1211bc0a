using Npgsql;

namespace Chat.Tests.Browser;

/// <summary>Every row of every table of the chat's database (journal, snapshots, tags, read model) as text.</summary>
internal static class DatabaseDump
{
    public static async Task<(string Text, int Rows)> AllTablesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables " +
            "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var text = new System.Text.StringBuilder();
        var rows = 0;
        foreach (var table in tables)
        {
            // row_to_json writes bytea as \x hex; the caller looks for hex forms as well as plain ones.
#pragma warning disable CA2100 // table names come from the catalog, quoted by quote_ident
            await using var dump = new NpgsqlCommand($"SELECT row_to_json(t)::text FROM {table} t", connection);
#pragma warning restore CA2100
            await using var reader = await dump.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows++;
                text.Append(table).Append(' ').AppendLine(reader.GetString(0));
            }
        }

        return (text.ToString(), rows);
    }
}
