using System.Diagnostics;
using Akka.Actor;
using Chat.Actors.Hosting;
using Chat.Actors.Persistence;
using Chat.Actors.Rooms;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Actors.ReadModel;

public sealed record ReplayProgress(long Events, TimeSpan Elapsed)
{
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? Events / Elapsed.TotalSeconds : 0;
}

public sealed record ReplayResult(long Events, int Rooms, long Messages, TimeSpan Elapsed)
{
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? Events / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// Rebuilds the read model from the journal alone, in one transaction: <c>rooms</c> always, and
/// <c>messages</c> on request. The live projection applies the same events the same way, so both
/// produce the same rows. While it runs, the projection's writes wait on its locks.
/// </summary>
public static class ReadModelReplay
{
    public static async Task<ReplayResult> RunAsync(
        ActorSystem system, ChatPersistenceOptions options, bool includeMessages, Action<ReplayProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var connectionString = options.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, "LOCK TABLE rooms, messages, projection_offsets IN EXCLUSIVE MODE", cancellationToken);
        await ExecuteAsync(connection,
            "CREATE TEMP TABLE replay_messages (ordering BIGINT, id UUID, room_id UUID, encrypted_content BYTEA, nonce BYTEA, timestamp TIMESTAMPTZ) ON COMMIT DROP",
            cancellationToken);

        var rooms = new Dictionary<Guid, RoomRow>();
        long events = 0, messages = 0, lastOrdering = 0;
        await using (var import = await connection.BeginBinaryImportAsync(
            "COPY replay_messages (ordering, id, room_id, encrypted_content, nonce, timestamp) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            await foreach (var (ordering, @event) in JournalTableReader.ReadAllAsync(
                system, connectionString, options.Schema, cancellationToken))
            {
                lastOrdering = ordering;
                events++;
                switch (@event)
                {
                    case RoomActivated activated:
                        rooms.TryAdd(Guid.Parse(activated.RoomId), new RoomRow(activated.At, activated.At, true));
                        break;
                    case MessageAppended appended:
                        Touch(rooms, appended.RoomId, appended.At, deactivate: false);
                        if (includeMessages)
                        {
                            await import.StartRowAsync(cancellationToken);
                            await import.WriteAsync(lastOrdering, NpgsqlDbType.Bigint, cancellationToken);
                            await import.WriteAsync(appended.MessageId, NpgsqlDbType.Uuid, cancellationToken);
                            await import.WriteAsync(Guid.Parse(appended.RoomId), NpgsqlDbType.Uuid, cancellationToken);
                            await import.WriteAsync(appended.Ciphertext, NpgsqlDbType.Bytea, cancellationToken);
                            await import.WriteAsync(appended.Nonce, NpgsqlDbType.Bytea, cancellationToken);
                            await import.WriteAsync(appended.At.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                        }

                        break;
                    case RoomDeactivated deactivated:
                        Touch(rooms, deactivated.RoomId, deactivated.At, deactivate: true);
                        break;
                }

                if (events % 10_000 == 0)
                {
                    progress?.Invoke(new ReplayProgress(events, clock.Elapsed));
                }
            }

            await import.CompleteAsync(cancellationToken);
        }

        await ExecuteAsync(connection,
            "CREATE TEMP TABLE replay_rooms (id UUID PRIMARY KEY, created_at TIMESTAMPTZ, last_activity TIMESTAMPTZ, is_active BOOLEAN) ON COMMIT DROP",
            cancellationToken);
        await using (var import = await connection.BeginBinaryImportAsync(
            "COPY replay_rooms (id, created_at, last_activity, is_active) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (id, row) in rooms)
            {
                await import.WriteRowAsync(cancellationToken, id, row.CreatedAt.UtcDateTime, row.LastActivity.UtcDateTime, row.IsActive);
            }

            await import.CompleteAsync(cancellationToken);
        }

        if (includeMessages)
        {
            await ExecuteAsync(connection, "TRUNCATE messages", cancellationToken);
        }

        // Rooms the journal does not know go (with their messages); the others get the journal's values.
        await ExecuteAsync(connection, "DELETE FROM rooms WHERE id NOT IN (SELECT id FROM replay_rooms)", cancellationToken);
        await ExecuteAsync(connection,
            "INSERT INTO rooms (id, created_at, last_activity, is_active) SELECT id, created_at, last_activity, is_active FROM replay_rooms " +
            "ON CONFLICT (id) DO UPDATE SET created_at = EXCLUDED.created_at, last_activity = EXCLUDED.last_activity, is_active = EXCLUDED.is_active",
            cancellationToken);

        if (includeMessages)
        {
            // Journal order decides, as in the live projection: the first message with an id wins.
            messages = await ExecuteAsync(connection,
                "INSERT INTO messages (id, room_id, encrypted_content, nonce, timestamp) " +
                "SELECT id, room_id, encrypted_content, nonce, timestamp FROM replay_messages ORDER BY ordering ON CONFLICT (id) DO NOTHING",
                cancellationToken);

            // Rows now match the journal up to here, so the live projection continues after it.
            await using var offset = new NpgsqlCommand(
                "INSERT INTO projection_offsets (projection, ordering, updated_at) VALUES (@name, @ordering, CURRENT_TIMESTAMP) " +
                "ON CONFLICT (projection) DO UPDATE SET ordering = GREATEST(projection_offsets.ordering, EXCLUDED.ordering), updated_at = CURRENT_TIMESTAMP",
                connection);
            offset.Parameters.AddWithValue("name", ReadModelWriter.ProjectionName);
            offset.Parameters.AddWithValue("ordering", lastOrdering);
            await offset.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ReplayResult(events, rooms.Count, messages, clock.Elapsed);
    }

    private static void Touch(Dictionary<Guid, RoomRow> rooms, string roomId, DateTimeOffset at, bool deactivate)
    {
        var id = Guid.Parse(roomId);
        if (rooms.TryGetValue(id, out var row))
        {
            rooms[id] = row with
            {
                LastActivity = at > row.LastActivity ? at : row.LastActivity,
                IsActive = row.IsActive && !deactivate,
            };
        }
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private readonly record struct RoomRow(DateTimeOffset CreatedAt, DateTimeOffset LastActivity, bool IsActive);
}
