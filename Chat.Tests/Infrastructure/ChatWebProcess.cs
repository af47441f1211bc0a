using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// The node run as its own OS process with <c>dotnet</c>, configured only through <c>--Key=value</c>
/// arguments, as an operator runs it: the published node named by <c>CHAT_TEST_NODE_DIR</c> (scripts/test.sh
/// publishes it as the container image does, precompiled), else the build copied next to the tests.
/// Only this process is ever signalled, by its PID.
/// </summary>
public sealed class ChatWebProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 2000;
    private readonly Process _process;
    private readonly ConcurrentQueue<(DateTime At, string Line)> _output = new();

    private bool _disposed;

    private ChatWebProcess(Process process, int httpPort)
    {
        _process = process;
        Pid = process.Id;
        HttpUri = new Uri($"http://127.0.0.1:{httpPort}/");
    }

    public int Pid { get; }

    public Uri HttpUri { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the node wrote, for failure messages.</summary>
    public string RecentOutput => string.Join('\n', _output.Select(o => $"{o.At:HH:mm:ss.fff} {o.Line}"));

    /// <summary>The kept lines with the time the test received each, for timing what the node logged.</summary>
    public IReadOnlyList<(DateTime At, string Line)> OutputLines => [.. _output];

    /// <summary>Where the node's Chat.Web.dll is taken from.</summary>
    public static string NodeFolder { get; } =
        Environment.GetEnvironmentVariable("CHAT_TEST_NODE_DIR") is { Length: > 0 } published ? published : AppContext.BaseDirectory;

    public static ChatWebProcess Start(int httpPort, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var folder = NodeFolder;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(folder, "Chat.Web.dll"));
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}");
        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        // The tests' own environment (e.g. an OTLP endpoint or an environment name) must not leak into the node.
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var node = new ChatWebProcess(process, httpPort);
        process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Waits until <c>/health</c> answers 200: cluster member up, PostgreSQL and NATS reachable.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = HttpUri, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Node {Pid} exited with {_process.ExitCode}:\n{RecentOutput}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Node {Pid} was not healthy within {timeout}:\n{RecentOutput}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL (what <see cref="Process.Kill()"/> sends on Unix): no leave, no hand-off, sockets dropped by the kernel.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>SIGTERM first, so the node leaves the cluster politely; SIGKILL if it has not exited in time.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                await ExternalProcess.RunAsync("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue((DateTime.UtcNow, line));
        while (_output.Count > KeptOutputLines && _output.TryDequeue(out _))
        {
        }
    }
}
