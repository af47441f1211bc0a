using System.CommandLine;

namespace Chat.Bench.Cost;

/// <summary><c>Chat.Bench cost [--seed N] [--window s] [--sustain s] [--first-warmup s] [--output dir]</c>: see <see cref="CostRun"/>.</summary>
public static class CostCommand
{
    public static Command Create()
    {
        var rooms = new Option<int>("--rooms") { Description = "rooms the generator sends to, one member each", DefaultValueFactory = _ => 1_000 };
        var seed = new Option<long>("--seed") { Description = "journal events (and read-model rows) the node starts on", DefaultValueFactory = _ => 1_000_000 };
        var window = new Option<double>("--window") { Description = "seconds of each timed window", DefaultValueFactory = _ => 10 };
        var sustain = new Option<double>("--sustain") { Description = "seconds of the sustained run at the node's maximum rate", DefaultValueFactory = _ => 60 };
        var inFlight = new Option<int>("--in-flight") { Description = "sends outstanding in the largest closed loop and the sustained run", DefaultValueFactory = _ => 200 };
        var offered = new Option<int>("--offered") { Description = "sends per second of the open-loop step", DefaultValueFactory = _ => 2_000 };
        var firstWarmUp = new Option<double>("--first-warmup") { Description = "seconds of load before the first window, so that each process has compiled its hot code", DefaultValueFactory = _ => 30 };
        var output = new Option<string>("--output") { Description = "directory for cost.md", DefaultValueFactory = _ => Path.Combine("docs", "benchmarks") };
        var command = new Command("cost", "What one message costs: CPU per 1,000 sends of node, PostgreSQL and nats-server beside an in-memory RES service, one send's stages, projection lag.")
        {
            rooms, seed, window, sustain, inFlight, offered, firstWarmUp, output,
        };
        command.SetAction((result, cancellation) => CostRun.RunAsync(
            new CostSettings(result.GetValue(rooms), result.GetValue(seed), result.GetValue(window), result.GetValue(sustain), result.GetValue(inFlight), result.GetValue(offered), result.GetValue(firstWarmUp)),
            result.GetValue(output)!,
            cancellation));
        return command;
    }
}
