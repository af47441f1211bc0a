using System.CommandLine;

namespace Chat.Bench.Scale;

/// <summary><c>Chat.Bench scale [--events N] [--output dir]</c>: see <see cref="ScaleRun"/>.</summary>
public static class ScaleCommand
{
    public static Command Create()
    {
        var events = new Option<long>("--events")
        {
            Description = "the larger journal size to measure at (the smaller is 10,000)",
            DefaultValueFactory = _ => 1_000_000,
        };
        var output = new Option<string>("--output")
        {
            Description = "directory for scale.md",
            DefaultValueFactory = _ => Path.Combine("docs", "benchmarks"),
        };
        var command = new Command("scale", "Journal reads (projection pages, history pages, catch-up) at 10,000 and at a million events.")
        {
            events,
            output,
        };
        command.SetAction((result, cancellation) => ScaleRun.RunAsync(result.GetValue(events), result.GetValue(output)!, cancellation));
        return command;
    }
}
