using Npgsql;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL for tests: initdb and pg_ctl in a temporary directory on a free loopback
/// port, stopped and deleted on dispose. With <c>CHAT_TEST_PG</c> set (a connection string with
/// the right to create databases) that server is used instead and nothing is started.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly string? _dataDirectory;
    private readonly string? _binDirectory;
    private readonly string? _runAs;
    private readonly string? _serverOptions;

    private PostgresServer(string adminConnectionString, string? dataDirectory, string? binDirectory, string? runAs, string? serverOptions = null)
    {
        _serverOptions = serverOptions;
        AdminConnectionString = adminConnectionString;
        _dataDirectory = dataDirectory;
        _binDirectory = binDirectory;
        _runAs = runAs;
    }

    public string AdminConnectionString { get; }

    public static async Task<PostgresServer> StartAsync()
    {
        var external = Environment.GetEnvironmentVariable("CHAT_TEST_PG");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresServer(external, null, null, null);
        }

        var bin = PostgresBinaries.FindBinDirectory();
        var root = Directory.CreateTempSubdirectory("chat-pg-").FullName;
        var data = Path.Combine(root, "data");

        // initdb refuses to run as root; CI runs as root, so the cluster belongs to the postgres user.
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        if (runAs is not null)
        {
            await ExternalProcess.RunAsync("chown", ["-R", $"{runAs}:{runAs}", root], CommandTimeout);
        }

        await ExternalProcess.RunAsync(Path.Combine(bin, "initdb"),
            ["-D", data, "-U", "chat", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], CommandTimeout, runAs);

        var port = FreePort.Next();

        // Durability settings are off: these databases live for one test run and never see a crash.
        var serverOptions = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200";
        await ExternalProcess.RunAsync(Path.Combine(bin, "pg_ctl"),
            ["-D", data, "-o", serverOptions, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "start"], CommandTimeout, runAs);

        var admin = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "chat",
            Database = "postgres",
            Pooling = false,
        }.ConnectionString;
        return new PostgresServer(admin, data, bin, runAs, serverOptions);
    }

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Stops the server (fast: connections are cut) and starts it again on the same port.</summary>
    public async Task RestartAsync()
    {
        if (_dataDirectory is null || _binDirectory is null)
        {
            throw new InvalidOperationException("Cannot restart a server given by CHAT_TEST_PG.");
        }

        // The log file must be given again: a server writing to pg_ctl's output would keep it open forever.
        var log = Path.Combine(Path.GetDirectoryName(_dataDirectory)!, "server.log");
        await ExternalProcess.RunAsync(Path.Combine(_binDirectory, "pg_ctl"),
            ["-D", _dataDirectory, "-l", log, "-m", "fast", "-w", "-t", "60", "restart"], CommandTimeout, _runAs);
    }

    public bool CanRestart => _dataDirectory is not null;

    /// <summary>
    /// Stops the server as a crash would (<c>-m immediate</c>: no checkpoint, every connection cut), until
    /// <see cref="StartAgainAsync"/> starts it on the same port with the same settings.
    /// </summary>
    public async Task StopImmediatelyAsync()
    {
        RequireOwnServer();
        await ExternalProcess.RunAsync(Path.Combine(_binDirectory!, "pg_ctl"),
            ["-D", _dataDirectory!, "-m", "immediate", "-w", "-t", "60", "stop"], CommandTimeout, _runAs);
    }

    public async Task StartAgainAsync()
    {
        RequireOwnServer();

        var log = Path.Combine(Path.GetDirectoryName(_dataDirectory)!, "server.log");
        await ExternalProcess.RunAsync(Path.Combine(_binDirectory!, "pg_ctl"),
            ["-D", _dataDirectory!, "-o", _serverOptions!, "-l", log, "-w", "-t", "60", "start"], CommandTimeout, _runAs);
    }

    private void RequireOwnServer()
    {
        if (_dataDirectory is null || _binDirectory is null)
        {
            throw new InvalidOperationException("Cannot stop or start a server given by CHAT_TEST_PG.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataDirectory is null || _binDirectory is null)
        {
            return;
        }

        await ExternalProcess.RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", _dataDirectory, "-m", "fast", "-w", "stop"], CommandTimeout, _runAs);
        Directory.Delete(Path.GetDirectoryName(_dataDirectory)!, recursive: true);
    }
}
