using System.Diagnostics;

namespace Chat.Bench.Report;

/// <summary>Progress lines on stdout, each with the time since the run started.</summary>
public static class Progress
{
    private static readonly Stopwatch Since = Stopwatch.StartNew();

    public static void Line(string text) => Console.WriteLine($"[{Since.Elapsed:mm\\:ss}] {text}");

    public static void Parameters(ScenarioParameters parameters)
    {
        Line($"== {parameters.Scenario}");
        foreach (var (key, value) in parameters.Values)
        {
            Console.WriteLine($"         {key} = {value}");
        }
    }
}
