using Npgsql;

namespace Chat.Actors.Persistence;

/// <summary>One journal row as stored: its ordering, whether it was deleted, and the serialized event.</summary>
public readonly record struct JournalRow(long Ordering, bool Deleted, byte[] Message, int Serializer, string Manifest);

/// <summary>
/// Pages of the journal in <c>ordering</c> order, read straight from the table by its primary key: a page
/// costs the same at ten thousand and at ten million events. The read journal's by-tag query is not used
/// because it aggregates each row's tags with a subquery over the whole tag table (docs/read-model.md).
/// Every event in the journal is a room event (sharding keeps its state in distributed data), so no tag
/// is needed to select them.
/// </summary>
public static class JournalPages
{
    /// <summary>The page query; the schema name was checked against ^[a-z_][a-z0-9_]*$ at start, so quoting it is enough.</summary>
    public static string PageSql(string schema) =>
        $"""SELECT ordering, deleted, message, identifier, manifest FROM "{schema}".journal WHERE ordering > @after ORDER BY ordering LIMIT @limit""";

    public static async Task<IReadOnlyList<JournalRow>> ReadAfterAsync(
        NpgsqlDataSource database, string schema, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(PageSql(schema));
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", limit);
        var rows = new List<JournalRow>(Math.Min(limit, 1024));
        NpgsqlDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The journal plugin creates its tables when the first room is used: until then there is nothing to read.
            return rows;
        }

        await using var _ = reader;
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new JournalRow(
                reader.GetInt64(0),
                reader.GetBoolean(1),
                (byte[])reader[2],
                reader.GetInt32(3),
                reader.IsDBNull(4) ? string.Empty : reader.GetString(4)));
        }

        return rows;
    }
}
