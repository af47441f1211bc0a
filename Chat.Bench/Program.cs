using System.CommandLine;
using Chat.Bench;
using Chat.Bench.Clients;
using Chat.Bench.Cost;
using Chat.Bench.Scale;

var profile = new Option<string>("--profile")
{
    Description = "short (a few minutes) or long (longer windows, 10,000 WebSocket clients)",
    DefaultValueFactory = _ => "short",
};
profile.AcceptOnlyFromAmong("short", "long");
var output = new Option<string>("--output")
{
    Description = "directory for <profile>.json and <profile>.md",
    DefaultValueFactory = _ => Path.Combine("docs", "benchmarks"),
};
var root = new RootCommand("Chat benchmarks: the system under user-like load beside the raw limits of PostgreSQL and NATS, measured in the same run.")
{
    profile,
    output,
    WsClientsCommand.Create(),
    ScaleCommand.Create(),
    CostCommand.Create(),
    LoadGenerator.Create(),
    MemoryRoomService.Create(),
};
root.SetAction((result, _) => BenchRun.RunAsync(
    BenchProfile.Named(result.GetValue(profile)!), result.GetValue(output)!, args));
return await root.Parse(args).InvokeAsync();
