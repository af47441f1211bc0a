using System.Globalization;
using Npgsql;

namespace Chat.Testing;

/// <summary>
/// A private PostgreSQL for the tests or one benchmark run: initdb and pg_ctl in a temporary directory on a free
/// loopback port, stopped (pg_ctl signals the postmaster's PID from its data directory) and deleted on dispose.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    private readonly PostgresServerOptions _options;
    private readonly string? _dataDirectory;
    private readonly string? _binDirectory;
    private readonly string? _runAs;
    private readonly string? _serverOptions;
    private bool _stopped;

    private PostgresServer(PostgresServerOptions options, string adminConnectionString, string? dataDirectory = null, string? binDirectory = null, string? runAs = null, string? serverOptions = null)
    {
        _options = options;
        AdminConnectionString = adminConnectionString;
        _dataDirectory = dataDirectory;
        _binDirectory = binDirectory;
        _runAs = runAs;
        _serverOptions = serverOptions;
    }

    /// <summary>The <c>postgres</c> database as the superuser, without pooling.</summary>
    public string AdminConnectionString { get; }

    public int Port => new NpgsqlConnectionStringBuilder(AdminConnectionString).Port;

    /// <summary>Whether this process started the server (and so may stop, restart or crash it).</summary>
    public bool CanRestart => _dataDirectory is not null;

    public static async Task<PostgresServer> StartAsync(PostgresServerOptions options)
    {
        var external = options.ExternalServerVariable is { } variable ? Environment.GetEnvironmentVariable(variable) : null;
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new PostgresServer(options, external);
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

        string[] sync = options.Durable ? [] : ["--no-sync"];
        await ExternalProcess.RunAsync(Path.Combine(bin, "initdb"),
            ["-D", data, "-U", "chat", "--auth=trust", "-E", "UTF8", .. sync, "--no-instructions"], CommandTimeout, runAs);

        var port = FreePort.Next();
        var serverOptions = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections={options.MaxConnections}"
            + (options.Durable ? string.Empty : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            + (options.PreloadLibraries is { } libraries ? $" -c shared_preload_libraries={libraries}" : string.Empty)
            + (options.PreloadLibraries?.Contains("pg_stat_statements", StringComparison.Ordinal) == true ? " -c pg_stat_statements.track_planning=on" : string.Empty);
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
        return new PostgresServer(options, admin, data, bin, runAs, serverOptions);
    }

    /// <summary>A pooled connection string for <paramref name="database"/>.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = true, MaxPoolSize = _options.MaxPoolSize }.ConnectionString;

    /// <summary>A new, empty database with a unique name starting with <paramref name="prefix"/>; returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix) => CreateNamedDatabaseAsync($"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)]);

    /// <summary>
    /// A new, empty database whose sessions commit durably (<c>synchronous_commit=on</c>), for tests that crash
    /// the server with <see cref="StopImmediatelyAsync"/>: this server commits asynchronously unless it is
    /// <see cref="PostgresServerOptions.Durable"/>, and a crash would lose the last commits it confirmed.
    /// (<c>fsync=off</c> loses nothing when only PostgreSQL crashes: the operating system still has the data.)
    /// </summary>
    public async Task<string> CreateCrashSafeDatabaseAsync(string prefix)
    {
        var database = await CreateDatabaseAsync(prefix);
        var name = new NpgsqlConnectionStringBuilder(database).Database;
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"ALTER DATABASE \"{name}\" SET synchronous_commit = on", connection);
        await command.ExecuteNonQueryAsync();
        return database;
    }

    /// <summary>A new, empty database called <paramref name="name"/>; returns its connection string.</summary>
    public async Task<string> CreateNamedDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task<string> VersionAsync()
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SHOW server_version", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The postmaster's PID (first line of its data directory's postmaster.pid): the root of PostgreSQL's processes.</summary>
    public int PostmasterPid()
    {
        RequireOwnServer();
        return int.Parse(File.ReadLines(Path.Combine(_dataDirectory!, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
    }

    /// <summary>Stops the server (fast: connections are cut) and starts it again on the same port.</summary>
    public async Task RestartAsync()
    {
        RequireOwnServer();

        // The log file must be given again: a server writing to pg_ctl's output would keep it open forever.
        await PgCtlAsync(["-l", LogFile, "-m", "fast", "-w", "-t", "60", "restart"]);
    }

    /// <summary>
    /// Stops the server as a crash would (<c>-m immediate</c>: no checkpoint, every connection cut), until
    /// <see cref="StartAgainAsync"/> starts it on the same port with the same settings.
    /// </summary>
    public async Task StopImmediatelyAsync()
    {
        RequireOwnServer();
        await PgCtlAsync(["-m", "immediate", "-w", "-t", "60", "stop"]);
    }

    public async Task StartAgainAsync()
    {
        RequireOwnServer();
        await PgCtlAsync(["-o", _serverOptions!, "-l", LogFile, "-w", "-t", "60", "start"]);
    }

    private string LogFile => Path.Combine(Path.GetDirectoryName(_dataDirectory)!, "server.log");

    private Task<string> PgCtlAsync(string[] arguments) =>
        ExternalProcess.RunAsync(Path.Combine(_binDirectory!, "pg_ctl"), ["-D", _dataDirectory!, .. arguments], CommandTimeout, _runAs);

    private void RequireOwnServer()
    {
        if (!CanRestart)
        {
            throw new InvalidOperationException("This server was given by the environment, not started here.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!CanRestart || _stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            await PgCtlAsync(["-m", "fast", "-w", "stop"]);
        }
        catch (InvalidOperationException e)
        {
            // Already stopped (e.g. Ctrl+C reached the postmaster too): nothing left to stop.
            Console.Error.WriteLine($"pg_ctl stop: {e.Message.Split('\n')[0]}");
        }

        Directory.Delete(Path.GetDirectoryName(_dataDirectory)!, recursive: true);
    }
}
