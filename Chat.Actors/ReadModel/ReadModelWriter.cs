using Chat.Actors.Rooms;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Actors.ReadModel;

/// <summary>
/// Applies journal events to <c>rooms</c> and <c>messages</c>, together with the projection's offset,
/// in one transaction per page. Every statement is idempotent, so a batch delivered twice (after a
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

    /// <summary>
    /// Writes a page of events and moves the offset to <paramref name="lastOrdering"/>, in one transaction of
    /// at most five statements whatever the page holds: rooms that started, messages, last activity per
    /// room, rooms that ended, the offset. The statements take arrays (<c>unnest</c>), so a page of 500
    /// messages is one insert, not 500.
    /// </summary>
    public static async Task WriteAsync(NpgsqlDataSource database, IReadOnlyList<object> events, long lastOrdering, CancellationToken cancellationToken)
    {
        var page = ReadModelPage.Of(events);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var commands = new NpgsqlBatch(connection, transaction);
        if (page.Started.Count > 0)
        {
            commands.BatchCommands.Add(Command(
                "INSERT INTO rooms (id, created_at, last_activity, is_active) " +
                "SELECT id, at, at, TRUE FROM unnest(@p0, @p1) AS s(id, at) ON CONFLICT (id) DO NOTHING",
                page.Started.Select(r => r.Room).ToArray(), Timestamps(page.Started.Select(r => r.At))));
        }

        if (page.Messages.Count > 0)
        {
            commands.BatchCommands.Add(Command(
                "INSERT INTO messages (id, room_id, encrypted_content, nonce, timestamp) " +
                "SELECT * FROM unnest(@p0, @p1, @p2, @p3, @p4) ON CONFLICT (id) DO NOTHING",
                page.Messages.Select(m => m.MessageId).ToArray(),
                page.Messages.Select(m => Guid.Parse(m.RoomId)).ToArray(),
                page.Messages.Select(m => m.Ciphertext).ToArray(),
                page.Messages.Select(m => m.Nonce).ToArray(),
                Timestamps(page.Messages.Select(m => m.At))));
        }

        if (page.LastActivity.Count > 0)
        {
            commands.BatchCommands.Add(Command(
                "UPDATE rooms SET last_activity = GREATEST(rooms.last_activity, s.at) FROM unnest(@p0, @p1) AS s(id, at) WHERE rooms.id = s.id",
                page.LastActivity.Select(r => r.Room).ToArray(), Timestamps(page.LastActivity.Select(r => r.At))));
        }

        if (page.Ended.Count > 0)
        {
            commands.BatchCommands.Add(Command(
                "UPDATE rooms SET is_active = FALSE, last_activity = GREATEST(rooms.last_activity, s.at) FROM unnest(@p0, @p1) AS s(id, at) WHERE rooms.id = s.id",
                page.Ended.Select(r => r.Room).ToArray(), Timestamps(page.Ended.Select(r => r.At))));
        }

        commands.BatchCommands.Add(Command(
            "INSERT INTO projection_offsets (projection, ordering, updated_at) VALUES (@p0, @p1, CURRENT_TIMESTAMP) " +
            "ON CONFLICT (projection) DO UPDATE SET ordering = GREATEST(projection_offsets.ordering, EXCLUDED.ordering), updated_at = CURRENT_TIMESTAMP",
            ProjectionName, lastOrdering));
        await commands.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static DateTime[] Timestamps(IEnumerable<DateTimeOffset> values) => values.Select(at => at.UtcDateTime).ToArray();

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.Add(values[i] switch
            {
                DateTimeOffset at => new NpgsqlParameter($"p{i}", NpgsqlDbType.TimestampTz) { Value = at.UtcDateTime },
                DateTime[] times => new NpgsqlParameter($"p{i}", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = times },
                _ => new NpgsqlParameter($"p{i}", values[i]),
            });
        }

        return command;
    }
}
