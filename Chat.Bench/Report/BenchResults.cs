namespace Chat.Bench.Report;

/// <summary>Everything one run produced: what was measured, on what, with which command and parameters.</summary>
public sealed record BenchResults(
    BenchProfile Profile,
    MachineDescription Machine,
    string Command,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    IReadOnlyList<ScenarioParameters> Parameters,
    IReadOnlyList<Figure> Figures);
