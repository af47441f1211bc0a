using System.Security.Cryptography;
using System.Text;
using Chat.Actors.Persistence;
using Chat.Bench.Measure;
using Chat.Bench.Report;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Bench.Scenarios;

/// <summary>
/// Scenario 1a: what PostgreSQL itself reaches on this machine, in this run, on the read model's
/// <c>messages</c> table (schema/001, applied by the same migrator the node uses, in a database of
/// its own): multi-row INSERTs, and single-row INSERTs with one commit each.
/// </summary>
public static class PostgresBaseline
{
    private const string Database = "baseline";
    private const int RoomCount = 1_000;

    public static async Task RunAsync(BenchContext context)
    {
        var p = context.Profile;
        context.Announce("1a. PostgreSQL baseline (messages table)",
            ("rows", $"id uuid v4, room_id of {RoomCount:N0} rooms, encrypted_content {p.CiphertextBytes} B, nonce 12 B, timestamp now()"),
            ("multi-row", $"{p.PgMultiRowConnections} connections, {p.PgRowsPerStatement} rows per prepared INSERT, autocommit"),
            ("single-row", $"1 connection, then {p.PgSingleRowConnections} connections; one prepared INSERT per transaction"),
            ("durability", "fsync on, synchronous_commit on (PostgreSQL defaults)"),
            ("warm-up / window", $"{p.WarmUp.TotalSeconds} s / {p.BaselineWindow.TotalSeconds} s each"));

        await context.Postgres.CreateNamedDatabaseAsync(Database);
        var connectionString = context.Postgres.ConnectionString(Database);
        await SchemaMigrator.MigrateAsync(connectionString, "akka", context.Cancellation);
        var rooms = await CreateRoomsAsync(connectionString);
        var rows = new RowSource(rooms, p.CiphertextBytes);

        var multi = await InsertLoopAsync(context, connectionString, p.PgMultiRowConnections, p.PgRowsPerStatement, rows);
        context.Baselines["pg.multiRow"] = multi.UnitsPerSecond;
        context.Add(new Figure("1. baseline", "PG multi-row INSERT", multi.UnitsPerSecond, "rows/s", multi.Units,
            Note: $"statement p50 {multi.Latency.P50:F2} ms, p99 {multi.Latency.P99:F2} ms"));

        var single = await InsertLoopAsync(context, connectionString, 1, 1, rows);
        context.Baselines["pg.singleRow"] = single.UnitsPerSecond;
        context.Baselines["pg.singleRow.p50ms"] = single.Latency.P50;
        context.Add(new Figure("1. baseline", "PG single-row commit, 1 connection", single.UnitsPerSecond, "commits/s", single.Units,
            Note: $"commit p50 {single.Latency.P50:F2} ms, p99 {single.Latency.P99:F2} ms"));

        var concurrent = await InsertLoopAsync(context, connectionString, p.PgSingleRowConnections, 1, rows);
        context.Baselines["pg.singleRow.concurrent"] = concurrent.UnitsPerSecond;
        context.Add(new Figure("1. baseline", $"PG single-row commit, {p.PgSingleRowConnections} connections", concurrent.UnitsPerSecond, "commits/s", concurrent.Units,
            Note: $"commit p50 {concurrent.Latency.P50:F2} ms, p99 {concurrent.Latency.P99:F2} ms"));
    }

    private static async Task<ClosedLoopResult> InsertLoopAsync(
        BenchContext context, string connectionString, int connections, int rowsPerStatement, RowSource rows)
    {
        var commands = new List<(NpgsqlConnection Connection, NpgsqlCommand Command)>();
        try
        {
            for (var i = 0; i < connections; i++)
            {
                var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(context.Cancellation);
                commands.Add((connection, await PrepareAsync(connection, rowsPerStatement)));
            }

            return await ClosedLoop.RunAsync(connections, context.Profile.WarmUp, context.Profile.BaselineWindow, async worker =>
            {
                var command = commands[worker].Command;
                rows.Fill(command.Parameters, rowsPerStatement);
                return await command.ExecuteNonQueryAsync(context.Cancellation);
            }, context.Cancellation);
        }
        finally
        {
            foreach (var (connection, command) in commands)
            {
                await command.DisposeAsync();
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task<NpgsqlCommand> PrepareAsync(NpgsqlConnection connection, int rowsPerStatement)
    {
        var sql = new StringBuilder("INSERT INTO messages (id, room_id, encrypted_content, nonce, timestamp) VALUES ");
        var command = new NpgsqlCommand { Connection = connection };
        for (var row = 0; row < rowsPerStatement; row++)
        {
            var at = row * 5;
            sql.Append(row == 0 ? string.Empty : ", ").Append(System.Globalization.CultureInfo.InvariantCulture,
                $"(${at + 1}, ${at + 2}, ${at + 3}, ${at + 4}, ${at + 5})");
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz });
        }

        command.CommandText = sql.ToString();
        await command.PrepareAsync();
        return command;
    }

    private static async Task<Guid[]> CreateRoomsAsync(string connectionString)
    {
        var rooms = Enumerable.Range(0, RoomCount).Select(_ => Guid.NewGuid()).ToArray();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("INSERT INTO rooms (id) SELECT unnest($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = rooms });
        await command.ExecuteNonQueryAsync();
        return rooms;
    }

    /// <summary>Fresh ids and random (incompressible, like ciphertext) contents for every row.</summary>
    private sealed class RowSource(Guid[] rooms, int contentBytes)
    {
        private readonly byte[][] _contents = Enumerable.Range(0, 256).Select(_ => RandomNumberGenerator.GetBytes(contentBytes)).ToArray();
        private readonly byte[][] _nonces = Enumerable.Range(0, 256).Select(_ => RandomNumberGenerator.GetBytes(12)).ToArray();

        public void Fill(NpgsqlParameterCollection parameters, int rowCount)
        {
            var now = DateTime.UtcNow;
            for (var row = 0; row < rowCount; row++)
            {
                var at = row * 5;
                var pick = Random.Shared.Next(256);
                parameters[at].Value = Guid.NewGuid();
                parameters[at + 1].Value = rooms[Random.Shared.Next(rooms.Length)];
                parameters[at + 2].Value = _contents[pick];
                parameters[at + 3].Value = _nonces[pick];
                parameters[at + 4].Value = now;
            }
        }
    }
}
