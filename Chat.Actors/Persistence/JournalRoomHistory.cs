using System.Collections.Immutable;
using Akka.Actor;
using Chat.Actors.Rooms;
using Npgsql;

namespace Chat.Actors.Persistence;

/// <summary>
/// Older messages straight from the journal, the source of truth, by the table's primary key
/// (<c>persistence_id, sequence_number</c>): a page costs the same however long the journal is. The read
/// journal's by-persistence-id query is not used because it carries a per-row subquery over the whole
/// tag table (docs/read-model.md).
/// </summary>
public sealed class JournalRoomHistory : IRoomHistory
{
    private readonly ActorSystem _system;
    private readonly NpgsqlDataSource _database;
    private readonly string _sql;

    public JournalRoomHistory(ActorSystem system, string connectionString, string schema)
    {
        _system = system;
        _database = NpgsqlDataSource.Create(connectionString);
        _sql = PageSql(schema);
        system.RegisterOnTermination(_database.Dispose);
    }

    /// <summary>The schema name was checked against ^[a-z_][a-z0-9_]*$ at start, so quoting it is enough.</summary>
    public static string PageSql(string schema) =>
        $"""
        SELECT sequence_number, message, identifier, manifest FROM "{schema}".journal
        WHERE persistence_id = @pid AND sequence_number >= @from AND NOT deleted
        ORDER BY sequence_number LIMIT @limit
        """;

    public async Task<ImmutableArray<StoredMessage>> ReadAsync(string roomId, SeqRange range, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadOnceAsync(roomId, range, cancellationToken);
        }
        catch (NpgsqlException e) when (e.IsTransient)
        {
            // After PostgreSQL restarts, every idle connection in the pool is dead, and each would fail one
            // page in turn: drop them all and try once more on a new connection (docs/rooms.md).
            _database.Clear();
            return await ReadOnceAsync(roomId, range, cancellationToken);
        }
    }

    private async Task<ImmutableArray<StoredMessage>> ReadOnceAsync(string roomId, SeqRange range, CancellationToken cancellationToken)
    {
        // Every message is one event after RoomActivated, so its journal sequence number is above its
        // seq: starting at From skips nothing, and a page of (To - From + 2) rows reaches To unless the
        // room has other events in between, in which case the next page goes on from there.
        var messages = ImmutableArray.CreateBuilder<StoredMessage>();
        var from = range.From;
        while (true)
        {
            var limit = (int)Math.Min(range.To - range.From + 2, 1_000);
            await using var command = _database.CreateCommand(_sql);
            command.Parameters.AddWithValue("pid", RoomIds.PersistenceIdOf(roomId));
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("limit", limit);
            var rows = 0;
            var done = false;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows++;
                    from = reader.GetInt64(0) + 1;
                    var manifest = reader.IsDBNull(3) ? string.Empty : reader.GetString(3);
                    if (_system.Serialization.Deserialize((byte[])reader[1], reader.GetInt32(2), manifest) is not MessageAppended m || m.Seq < range.From)
                    {
                        continue;
                    }

                    if (m.Seq > range.To)
                    {
                        done = true;
                        continue;
                    }

                    messages.Add(new StoredMessage(m.MessageId, m.Seq, m.Ciphertext, m.Nonce, m.At, m.Member));
                    done = m.Seq == range.To;
                }
            }

            if (done || rows < limit)
            {
                return messages.ToImmutable();
            }
        }
    }
}
