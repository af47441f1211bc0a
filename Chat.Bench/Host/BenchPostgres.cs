using Chat.Testing;
using Npgsql;

namespace Chat.Bench.Host;

/// <summary>
/// A private PostgreSQL for one benchmark run: initdb and pg_ctl in a temporary directory on a free
/// loopback port, stopped (pg_ctl signals the postmaster's PID from its data directory) and deleted
/// on dispose. Unlike the tests' server it keeps PostgreSQL's durable defaults (fsync,
/// synchronous_commit): a benchmark with durability off would measure a database nobody runs.
/// </summary>
public sealed class BenchPostgres : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly string _root;
    private readonly string _bin;
    private readonly string? _runAs;
    private bool _stopped;

    private BenchPostgres(string root, string bin, string? runAs, int port)
    {
        _root = root;
        _bin = bin;
        _runAs = runAs;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The postmaster's PID (first line of its data directory's postmaster.pid): the root of PostgreSQL's processes.</summary>
    public int PostmasterPid() => int.Parse(File.ReadLines(Path.Combine(_root, "data", "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "chat",
        Database = database,
        MaxPoolSize = 200,
    }.ConnectionString;

    public static async Task<BenchPostgres> StartAsync()
    {
        var bin = PostgresBinaries.FindBinDirectory();
        var root = Directory.CreateTempSubdirectory("chat-bench-pg-").FullName;
        var data = Path.Combine(root, "data");

        // initdb refuses to run as root; the cluster then belongs to the postgres user.
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        if (runAs is not null)
        {
            await ExternalProcess.RunAsync("chown", ["-R", $"{runAs}:{runAs}", root], CommandTimeout);
        }

        await ExternalProcess.RunAsync(Path.Combine(bin, "initdb"),
            ["-D", data, "-U", "chat", "--auth=trust", "-E", "UTF8", "--no-instructions"], CommandTimeout, runAs);

        var port = FreePort.Next();
        var server = new BenchPostgres(root, bin, runAs, port);

        // PostgreSQL defaults otherwise, durability included: only the connection limit is raised for the pools.
        var options = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_preload_libraries=pg_stat_statements";
        await ExternalProcess.RunAsync(Path.Combine(bin, "pg_ctl"),
            ["-D", data, "-o", options, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "start"], CommandTimeout, runAs);
        return server;
    }

    public async Task CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<string> VersionAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SHOW server_version", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        NpgsqlConnection.ClearAllPools();
        try
        {
            await ExternalProcess.RunAsync(Path.Combine(_bin, "pg_ctl"),
                ["-D", Path.Combine(_root, "data"), "-m", "fast", "-w", "stop"], CommandTimeout, _runAs);
        }
        catch (InvalidOperationException e)
        {
            // Already stopped (e.g. Ctrl+C reached the postmaster too): nothing left to stop.
            Console.Error.WriteLine($"pg_ctl stop: {e.Message.Split('\n')[0]}");
        }

        Directory.Delete(_root, recursive: true);
    }
}
