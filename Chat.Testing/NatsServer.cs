using System.Diagnostics;
using System.Net.Sockets;

namespace Chat.Testing;

/// <summary>
/// A private nats-server on a free loopback port, started from PATH and stopped (by its own PID) on
/// dispose. <see cref="RestartAsync"/> stops and starts it on the same port, as an outage would.
/// </summary>
public sealed class NatsServer : IAsyncDisposable
{
    private Process? _process;

    /// <summary>The server's PID while it runs (the benchmark reads its CPU time).</summary>
    public int? Pid => _process is { HasExited: false } process ? process.Id : null;

    private NatsServer(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public static async Task<NatsServer> StartAsync()
    {
        var server = new NatsServer(FreePort.Next());
        await server.StartProcessAsync();
        return server;
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on its port after <see cref="StopAsync"/>.</summary>
    public Task StartAgainAsync() => StartProcessAsync();

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartProcessAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StartProcessAsync()
    {
        var info = new ProcessStartInfo(FindExecutable())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The repository's nats.conf (copied next to the binaries): the limits every deployment assumes.
        var config = Path.Combine(AppContext.BaseDirectory, "nats.conf");
        foreach (var argument in new[] { "-c", config, "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("nats-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Ready when it accepts connections; give up if it exits (e.g. the port was taken meanwhile).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nats-server exited with {_process.ExitCode} on port {Port}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    private static string FindExecutable()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin")
            .Append("/usr/bin")
            .Select(dir => Path.Combine(dir, "nats-server"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nats-server was not found: install the nats-server package.");
    }
}
