using System.Runtime.CompilerServices;
using Akka.Actor;
using Npgsql;

namespace Chat.Actors.Persistence;

/// <summary>
/// Streams every live event of the journal in <c>ordering</c> order in one query, for bulk reads from the
/// beginning (replay). Every event in the journal is a room event, so no tag selects them; the read
/// journal's paged queries would cost a scan per page. The tables are the ones <c>table-mapping = default</c>
/// creates (see <see cref="PersistenceHocon"/>).
/// </summary>
public static class JournalTableReader
{
    public static async IAsyncEnumerable<(long Ordering, object Event)> ReadAllAsync(
        ActorSystem system, string connectionString, string schema, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var serialization = system.Serialization;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        // The schema name was checked against ^[a-z_][a-z0-9_]*$ at start, so quoting it is enough.
        await using var command = new NpgsqlCommand(
            $"""SELECT ordering, message, identifier, manifest FROM "{schema}".journal WHERE NOT deleted ORDER BY ordering""",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var message = (byte[])reader[1];
            var manifest = reader.IsDBNull(3) ? string.Empty : reader.GetString(3);
            yield return (reader.GetInt64(0), serialization.Deserialize(message, reader.GetInt32(2), manifest));
        }
    }
}
