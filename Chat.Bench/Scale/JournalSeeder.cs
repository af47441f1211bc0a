using System.Security.Cryptography;
using Akka.Serialization;
using Chat.Actors.Rooms;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Bench.Scale;

/// <summary>
/// Fills the journal fast: real serialized room events written with COPY, as many rooms write them
/// (interleaved, so orderings of one room are spread through the table), and one tag row per event as
/// the journal's <c>TagTable</c> mode writes it. The events are what rooms persist: each room starts with
/// <c>RoomActivated</c>, then its messages (<c>MessageAppended.v2</c>, 256-byte padded ciphertexts).
/// </summary>
public sealed class JournalSeeder(string connectionString, Serialization serialization, int rooms)
{
    private readonly string[] _roomIds = Enumerable.Range(0, rooms).Select(_ => Guid.NewGuid().ToString()).ToArray();
    private readonly long[] _lastSeq = new long[rooms];
    private readonly byte[] _ciphertext = RandomNumberGenerator.GetBytes(256 + 16);
    private readonly byte[] _nonce = RandomNumberGenerator.GetBytes(12);
    private readonly HashSet<int> _activated = [];

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

        // One tag row per event, as the journal writes them in TagTable mode: what the read journal's queries aggregate.
        await using (var tags = new NpgsqlCommand(
            "INSERT INTO akka.tags (ordering_id, tag, sequence_nr, persistence_id) " +
            "SELECT ordering, 'room', sequence_number, persistence_id FROM akka.journal WHERE ordering > @last",
            connection))
        {
            tags.CommandTimeout = 600;
            tags.Parameters.AddWithValue("last", lastOrdering);
            await tags.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var analyze = new NpgsqlCommand("ANALYZE akka.journal; ANALYZE akka.tags", connection);
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }
}
