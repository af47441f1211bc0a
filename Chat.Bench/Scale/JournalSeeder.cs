using System.Security.Cryptography;
using Akka.Serialization;
using Chat.Actors.Rooms;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Bench.Scale;

/// <summary>
/// Fills the journal fast: real serialized room events written with COPY, as many rooms write them
/// (interleaved, so orderings of one room are spread through the table). The events are what rooms
/// persist: each room starts with <c>RoomActivated</c>, then its messages (<c>MessageAppended.v2</c>,
/// 256-byte padded ciphertexts). Optionally one tag row per event, as the journal wrote them before
/// events went untagged (to time the read journal's by-tag query), and the read model the projection
/// would have written for them, with its offset at the end (so a node starts caught up).
/// </summary>
public sealed class JournalSeeder(string connectionString, Serialization serialization, int rooms, bool tagRows = true, bool readModel = false)
{
    private readonly string[] _roomIds = Enumerable.Range(0, rooms).Select(_ => Guid.NewGuid().ToString()).ToArray();
    private readonly long[] _lastSeq = new long[rooms];
    private readonly byte[] _ciphertext = RandomNumberGenerator.GetBytes(256 + 16);
    private readonly byte[] _nonce = RandomNumberGenerator.GetBytes(12);
    private readonly HashSet<int> _activated = [];
    private bool _roomRowsWritten;

    public IReadOnlyList<string> RoomIds => _roomIds;

    /// <summary>Journal rows written so far.</summary>
    public long Events { get; private set; }

    /// <summary>Messages of a room so far (its last seq).</summary>
    public long MessagesOf(int room) => _lastSeq[room];

    /// <summary>Adds events, round robin over the rooms, until the journal holds <paramref name="total"/>.</summary>
    public async Task GrowToAsync(long total, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        long lastOrdering;
        await using (var max = new NpgsqlCommand("SELECT COALESCE(MAX(ordering), 0) FROM akka.journal", connection))
        {
            lastOrdering = (long)(await max.ExecuteScalarAsync(cancellationToken))!;
        }

        var messages = new List<(Guid Id, Guid Room)>();
        await using (var import = await connection.BeginBinaryImportAsync(
            "COPY akka.journal (persistence_id, sequence_number, deleted, writer_uuid, created, message, identifier, manifest) FROM STDIN (FORMAT BINARY)",
            cancellationToken))
        {
            var at = DateTimeOffset.UtcNow;
            for (var room = (int)(Events % _roomIds.Length); Events < total; room = (room + 1) % _roomIds.Length)
            {
                var seq = _lastSeq[room];
                var roomId = _roomIds[room];
                object @event = seq == 0 && !_activated.Contains(room)
                    ? new RoomActivated(roomId, at)
                    : new MessageAppended(roomId, Guid.NewGuid(), seq + 1, _ciphertext, _nonce, at, "seededMemberId00000000");
                if (@event is RoomActivated)
                {
                    _activated.Add(room);
                }
                else
                {
                    _lastSeq[room] = seq + 1;
                }

                if (@event is MessageAppended appended && readModel)
                {
                    messages.Add((appended.MessageId, Guid.Parse(roomId)));
                }

                var serializer = (SerializerWithStringManifest)serialization.FindSerializerFor(@event);
                await import.StartRowAsync(cancellationToken);
                await import.WriteAsync(Chat.Actors.Rooms.RoomIds.PersistenceIdOf(roomId), NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(_lastSeq[room] + 1, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(false, NpgsqlDbType.Boolean, cancellationToken);
                await import.WriteAsync("seed", NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(at.ToUnixTimeMilliseconds() * TimeSpan.TicksPerMillisecond, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(serializer.ToBinary(@event), NpgsqlDbType.Bytea, cancellationToken);
                await import.WriteAsync(serializer.Identifier, NpgsqlDbType.Integer, cancellationToken);
                await import.WriteAsync(serializer.Manifest(@event), NpgsqlDbType.Text, cancellationToken);
                Events++;
            }

            await import.CompleteAsync(cancellationToken);
        }

        if (tagRows)
        {
            await WriteTagRowsAsync(connection, lastOrdering, cancellationToken);
        }

        if (readModel)
        {
            await WriteReadModelAsync(connection, messages, cancellationToken);
        }

        await using var analyze = new NpgsqlCommand("ANALYZE akka.journal; ANALYZE akka.tags", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One tag row per event, as the journal wrote them in TagTable mode: what the read journal's queries aggregate.</summary>
    private static async Task WriteTagRowsAsync(NpgsqlConnection connection, long lastOrdering, CancellationToken cancellationToken)
    {
        await using var tags = new NpgsqlCommand(
            "INSERT INTO akka.tags (ordering_id, tag, sequence_nr, persistence_id) " +
            "SELECT ordering, 'room', sequence_number, persistence_id FROM akka.journal WHERE ordering > @last",
            connection);
        tags.CommandTimeout = 600;
        tags.Parameters.AddWithValue("last", lastOrdering);
        await tags.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The rows the projection writes for these events (same ids), and its offset at the journal's end.</summary>
    private async Task WriteReadModelAsync(NpgsqlConnection connection, List<(Guid Id, Guid Room)> messages, CancellationToken cancellationToken)
    {
        // The rooms are written inactive: an active room in the read model with no node holding it is what
        // the active-room sweep wakes at start (to end it), and waking a thousand big rooms at once is not
        // what a cost run measures.
        if (!_roomRowsWritten)
        {
            await using var import = await connection.BeginBinaryImportAsync(
                "COPY rooms (id, created_at, last_activity, is_active) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var room in _roomIds)
            {
                await import.WriteRowAsync(cancellationToken, Guid.Parse(room), DateTime.UtcNow, DateTime.UtcNow, false);
            }

            await import.CompleteAsync(cancellationToken);
            _roomRowsWritten = true;
        }

        await using (var import = await connection.BeginBinaryImportAsync(
            "COPY messages (id, room_id, encrypted_content, nonce, timestamp) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (id, room) in messages)
            {
                await import.WriteRowAsync(cancellationToken, id, room, _ciphertext, _nonce, DateTime.UtcNow);
            }

            await import.CompleteAsync(cancellationToken);
        }

        await using var offset = new NpgsqlCommand(
            "INSERT INTO projection_offsets (projection, ordering) SELECT 'read-model', MAX(ordering) FROM akka.journal " +
            "ON CONFLICT (projection) DO UPDATE SET ordering = EXCLUDED.ordering; ANALYZE rooms; ANALYZE messages",
            connection);
        offset.CommandTimeout = 600;
        await offset.ExecuteNonQueryAsync(cancellationToken);
    }
}
