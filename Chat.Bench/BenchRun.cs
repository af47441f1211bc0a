using Chat.Bench.Host;
using Chat.Bench.Report;
using Chat.Bench.Res;
using Chat.Bench.Scenarios;
using Chat.Testing;

namespace Chat.Bench;

/// <summary>
/// One benchmark run: starts a private PostgreSQL and nats-server, measures their baselines, starts
/// one node in this process, runs the scenarios, writes the results, and stops everything it
/// started (in reverse order) whether the run ends, fails or is interrupted with Ctrl+C.
/// </summary>
public static class BenchRun
{
    public static async Task<int> RunAsync(BenchProfile profile, string outputDirectory, string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // Keep the process alive long enough to stop what it started.
            e.Cancel = true;
            Progress.Line("Interrupted: stopping the node, nats-server and PostgreSQL...");
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancel;

        PostgresServer? postgres = null;
        NatsServer? nats = null;

        // Last resort if the process ends before the finally below ran (e.g. SIGTERM): stop the
        // servers this run started; both disposals do nothing when already done.
        EventHandler onExit = (_, _) =>
        {
            nats?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
            postgres?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(30));
        };
        AppDomain.CurrentDomain.ProcessExit += onExit;

        var started = DateTimeOffset.UtcNow;
        var loadAtStart = MachineDescription.LoadAverage();
        BenchContext? context = null;
        try
        {
            Progress.Line($"Profile {profile.Name}; {Environment.ProcessorCount} cores; server GC {System.Runtime.GCSettings.IsServerGC}");
            postgres = await PostgresServer.StartAsync(PostgresServerOptions.Benchmark);
            nats = await NatsServer.StartAsync();
            Progress.Line($"PostgreSQL {await postgres.VersionAsync()} on 127.0.0.1:{postgres.Port}, nats-server on 127.0.0.1:{nats.Port}");
            context = new BenchContext(profile, postgres, nats, interrupt.Token);

            await PostgresBaseline.RunAsync(context);
            await NatsBaseline.RunAsync(context);

            await postgres.CreateNamedDatabaseAsync(BenchContext.ChatDatabase);
            context.Gateway = await BenchRequesters.ConnectAsync(nats.Url, interrupt.Token);
            var serviceReady = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await context.Gateway.ListenAsync("system.reset", (_, body, _) =>
            {
                // The RES service announces itself (resources and access) once its subscriptions are in place.
                if (System.Text.Encoding.UTF8.GetString(body).Contains("\"access\"", StringComparison.Ordinal))
                {
                    serviceReady.TrySetResult();
                }
            });
            await context.Gateway.ListenAsync("event.room.*.messages.add", context.AddEvents.OnEvent);
            context.Node = await BenchNode.StartAsync(postgres.ConnectionString(BenchContext.ChatDatabase), nats.Url);
            await serviceReady.Task.WaitAsync(TimeSpan.FromSeconds(60), interrupt.Token);
            Progress.Line($"Node up; RES service ready; embedded gateway on {context.Node.WebSocketUri}");

            await ServiceLevelScenario.RunAsync(context);
            await EndToEndScenario.RunAsync(context);
            await ActivationScenario.RunAsync(context);

            var machine = await MachineDescription.DescribeAsync(postgres, loadAtStart);
            var results = new BenchResults(profile, machine, CommandLine(args), started, DateTimeOffset.UtcNow, context.Parameters, context.Figures);
            SummaryTable.Print(results);
            await ResultsWriter.WriteAsync(results, outputDirectory);
            return 0;
        }
        catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
        {
            Progress.Line("Interrupted; no results written.");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            AppDomain.CurrentDomain.ProcessExit -= onExit;
            if (context?.Gateway is { } gateway)
            {
                await gateway.DisposeAsync();
            }

            if (context?.Node is { } node)
            {
                await node.DisposeAsync();
            }

            if (nats is not null)
            {
                await nats.DisposeAsync();
            }

            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }

            Progress.Line("Stopped everything this run started.");
        }
    }

    /// <summary>The command as the user typed it: the runner script passes it on, else the program's own arguments.</summary>
    private static string CommandLine(string[] args) =>
        Environment.GetEnvironmentVariable("CHAT_BENCH_COMMAND") is { Length: > 0 } command
            ? command
            : "dotnet run -c Release --project Chat.Bench -- " + string.Join(' ', args);
}
