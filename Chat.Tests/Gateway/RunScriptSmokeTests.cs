using System.Diagnostics;
using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Gateway;

/// <summary>The README's run command, as a user runs it: everything starts, answers, and stops on a signal.</summary>
public sealed class RunScriptSmokeTests
{
    [Fact]
    public async Task RunCommand_StartsTheSystem_AnswersHealthy_AndStopsEverythingItStarted()
    {
        var repository = RepositoryRoot.Path;
        var state = Directory.CreateTempSubdirectory("chat-run-").FullName;
        var port = FreePort.Next();
        var info = new ProcessStartInfo("bash", [Path.Combine(repository, "scripts", "run.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = repository,
        };
        info.Environment["CHAT_HTTP_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["CHAT_RUN_DIR"] = state;
        using var script = Process.Start(info)!;
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        script.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            log.Enqueue(e.Data);
            if (e.Data.Contains("Chat is running", StringComparison.Ordinal))
            {
                running.TrySetResult();
            }
        };
        script.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log.Enqueue(e.Data); } };
        script.BeginOutputReadLine();
        script.BeginErrorReadLine();

        try
        {
            await Task.WhenAny(running.Task, script.WaitForExitAsync()).WaitAsync(TimeSpan.FromMinutes(4));
            running.Task.IsCompleted.Should().BeTrue("the script says it is running before it exits:\n" + string.Join('\n', log));
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            var health = JsonNode.Parse(await http.GetStringAsync("health"))!;
            health["status"]!.GetValue<string>().Should().Be("Healthy", string.Join('\n', log));
            var config = JsonNode.Parse(await http.GetStringAsync("chat-config.json"))!;
            config["gateway"]!.GetValue<string>().Should().Be("/ws");
            var page = await http.GetStringAsync("/");
            page.Should().Contain("Create a room", "the run command serves the page");
            (await http.GetAsync("vendor/resclient.min.js")).IsSuccessStatusCode.Should().BeTrue("and the scripts it needs");
        }
        finally
        {
            // Ctrl+C's polite cousin: the script's trap stops the node, nats-server and PostgreSQL.
            if (!script.HasExited)
            {
                await ExternalProcess.RunAsync("kill", ["-TERM", script.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
            }

            await script.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }

        log.Should().Contain("Stopped.");
        File.Exists(Path.Combine(state, "pg", "postmaster.pid")).Should().BeFalse("PostgreSQL was stopped");
        Directory.Delete(state, recursive: true);
    }
}
