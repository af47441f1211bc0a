using System.Diagnostics;
using System.Threading.Channels;
using Chat.Bench.Report;

namespace Chat.Bench.Host;

/// <summary>
/// The parent's handle on a child of this benchmark (the same program and runtime, with a hidden
/// command such as <c>ws-clients</c> or <c>generate</c>): reads its JSON reports (<see cref="ChildReports"/>)
/// from stdout, shows its stderr as progress, and stops it by its PID when disposed, on Ctrl+C, on
/// failure, or when this process exits first.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>();
    private readonly EventHandler _onExit;
    private readonly string _label;

    private ChildProcess(Process process, string label)
    {
        _process = process;
        _label = label;
        _onExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += _onExit;
    }

    public int Id => _process.Id;

    public static ChildProcess Start(string label, IReadOnlyList<string> arguments)
    {
        var info = ThisProgram();
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.UseShellExecute = false;
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var process = new Process { StartInfo = info };
        var handle = new ChildProcess(process, label);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                handle._stdout.Writer.TryComplete();
            }
            else
            {
                handle._stdout.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Progress.Line($"   {label}: {e.Data}");
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Progress.Line($"   {label} process started, pid {process.Id}");
        return handle;
    }

    /// <summary>Waits for the child's report of <paramref name="kind"/>; fails if it exits or takes longer than <paramref name="timeout"/>.</summary>
    public async Task<T> ReadAsync<T>(string kind, TimeSpan timeout, CancellationToken cancellation)
        where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(timeout);
        try
        {
            await foreach (var line in _stdout.Reader.ReadAllAsync(deadline.Token))
            {
                if (ChildReports.FromLine<T>(line, kind) is { } report)
                {
                    return report;
                }

                Progress.Line($"   {_label} (stdout): {line}");
            }
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"The {_label} process (pid {Id}) sent no '{kind}' report within {timeout}.");
        }

        await _process.WaitForExitAsync(cancellation);
        throw new InvalidOperationException($"The {_label} process (pid {Id}) exited with {_process.ExitCode} before its '{kind}' report.");
    }

    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Lets the child close its connections and exit on its own; stops it after <paramref name="timeout"/>.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Progress.Line($"   {_label} process (pid {Id}) still running after {timeout.TotalSeconds:N0} s; stopping it");
            Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        Kill();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Progress.Line($"   {_label} process (pid {Id}) did not exit within 10 s of being killed");
        }

        _process.Dispose();
    }

    /// <summary>Stops the child by its PID (never by name); nothing happens if it has already exited.</summary>
    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill, or never started.
        }
    }

    /// <summary>
    /// This program again: under <c>dotnet Chat.Bench.dll</c> the process is the dotnet host and the
    /// assembly path comes first; started through the apphost, the process is the program itself.
    /// </summary>
    private static ProcessStartInfo ThisProgram()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
        var assembly = typeof(ChildProcess).Assembly.Location;
        var info = new ProcessStartInfo(host);
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.Ordinal))
        {
            info.ArgumentList.Add(assembly);
        }

        return info;
    }
}
