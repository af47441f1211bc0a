using Npgsql;

namespace Chat.Tests.Infrastructure;

public sealed record RoomRow(Guid Id, DateTime CreatedAt, DateTime LastActivity, bool IsActive);

public sealed record MessageRow(Guid Id, Guid RoomId, byte[] Content, byte[] Nonce, DateTime Timestamp);

/// <summary>Reads the read model's tables whole, in a stable order, for exact comparisons.</summary>
internal static class ReadModelTables
{
    public static async Task<List<RoomRow>> RoomsAsync(string connectionString)
    {
        var rows = new List<RoomRow>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, created_at, last_activity, is_active FROM rooms ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new RoomRow(reader.GetGuid(0), reader.GetDateTime(1), reader.GetDateTime(2), reader.GetBoolean(3)));
        }

        return rows;
    }

    public static async Task<List<MessageRow>> MessagesAsync(string connectionString)
    {
        var rows = new List<MessageRow>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, room_id, encrypted_content, nonce, timestamp FROM messages ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new MessageRow(reader.GetGuid(0), reader.GetGuid(1), (byte[])reader[2], (byte[])reader[3], reader.GetDateTime(4)));
        }

        return rows;
    }

    public static async Task<long> CountAsync(string connectionString, string table)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Polls until <paramref name="condition"/> holds: the projection is asynchronous by design.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting until {what}.");
            }

            await Task.Delay(25);
        }
    }
}
