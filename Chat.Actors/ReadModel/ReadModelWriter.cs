using Akka.Persistence.Query;
using Chat.Actors.Rooms;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Actors.ReadModel;

/// <summary>
/// Applies journal events to <c>rooms</c> and <c>messages</c>, together with the projection's offset,
/// in one transaction per batch. Every statement is idempotent, so a batch delivered twice (after a
/// crash between commit and acknowledgement) leaves the same rows.
/// </summary>
public static class ReadModelWriter
{
    public const string ProjectionName = "read-model";

    public static async Task<long> ReadOffsetAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT ordering FROM projection_offsets WHERE projection = @name");
        command.Parameters.AddWithValue("name", ProjectionName);
        return await command.ExecuteScalarAsync(cancellationToken) is long ordering ? ordering : 0;
    }

    public static async Task WriteAsync(NpgsqlDataSource database, IReadOnlyList<EventEnvelope> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var commands = new NpgsqlBatch(connection, transaction);
        foreach (var envelope in batch)
        {
            AddStatements(commands, envelope.Event);
        }

        var last = ((Sequence)batch[^1].Offset).Value;
        commands.BatchCommands.Add(Command(
            "INSERT INTO projection_offsets (projection, ordering, updated_at) VALUES (@p0, @p1, CURRENT_TIMESTAMP) " +
            "ON CONFLICT (projection) DO UPDATE SET ordering = GREATEST(projection_offsets.ordering, EXCLUDED.ordering), updated_at = CURRENT_TIMESTAMP",
            ProjectionName, last));
        await commands.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static void AddStatements(NpgsqlBatch commands, object @event)
    {
        switch (@event)
        {
            case RoomActivated activated:
                commands.BatchCommands.Add(Command(
                    "INSERT INTO rooms (id, created_at, last_activity, is_active) VALUES (@p0, @p1, @p1, TRUE) ON CONFLICT (id) DO NOTHING",
                    Guid.Parse(activated.RoomId), activated.At));
                break;
            case MessageAppended appended:
                var room = Guid.Parse(appended.RoomId);
                commands.BatchCommands.Add(Command(
                    "INSERT INTO messages (id, room_id, encrypted_content, nonce, timestamp) VALUES (@p0, @p1, @p2, @p3, @p4) ON CONFLICT (id) DO NOTHING",
                    appended.MessageId, room, appended.Ciphertext, appended.Nonce, appended.At));
                commands.BatchCommands.Add(Command(
                    "UPDATE rooms SET last_activity = GREATEST(last_activity, @p1) WHERE id = @p0", room, appended.At));
                break;
            case RoomDeactivated deactivated:
                commands.BatchCommands.Add(Command(
                    "UPDATE rooms SET is_active = FALSE, last_activity = GREATEST(last_activity, @p1) WHERE id = @p0",
                    Guid.Parse(deactivated.RoomId), deactivated.At));
                break;
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.Add(values[i] switch
            {
                DateTimeOffset at => new NpgsqlParameter($"p{i}", NpgsqlDbType.TimestampTz) { Value = at.UtcDateTime },
                _ => new NpgsqlParameter($"p{i}", values[i]),
            });
        }

        return command;
    }
}
