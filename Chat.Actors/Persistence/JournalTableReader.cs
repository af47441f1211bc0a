using System.Runtime.CompilerServices;
using Akka.Actor;
using Npgsql;

namespace Chat.Actors.Persistence;

/// <summary>
/// Streams a tag's events straight from the journal tables in one ordered query. For bulk reads from
/// the beginning (replay): the read journal pages with LIMIT over a join ordered by the journal
/// column, which costs a scan per page and so grows with the square of the journal. The tables are
/// the ones `table-mapping = default` creates (see <see cref="PersistenceHocon"/>).
/// </summary>
public static class JournalTableReader
{
    public static async IAsyncEnumerable<(long Ordering, object Event)> ReadTaggedAsync(
        ActorSystem system, string connectionString, string schema, string tag, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var serialization = system.Serialization;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        // The schema name was checked against ^[a-z_][a-z0-9_]*$ at start, so quoting it is enough.
        await using var command = new NpgsqlCommand(
            $"""
            SELECT j.ordering, j.message, j.identifier, j.manifest
            FROM "{schema}".journal j
            WHERE NOT j.deleted AND EXISTS (SELECT 1 FROM "{schema}".tags t WHERE t.ordering_id = j.ordering AND t.tag = @tag)
            ORDER BY j.ordering
            """,
            connection);
        command.Parameters.AddWithValue("tag", tag);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var message = (byte[])reader[1];
            var manifest = reader.IsDBNull(3) ? string.Empty : reader.GetString(3);
            yield return (reader.GetInt64(0), serialization.Deserialize(message, reader.GetInt32(2), manifest));
        }
    }
}
