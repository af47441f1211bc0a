namespace Chat.Bench.Report;

/// <summary>
/// One measured figure beside its baseline from the same run. <see cref="Ratio"/> is value ÷ baseline;
/// <see cref="Target"/> is the figure we aim for, reported against, never asserted.
/// </summary>
public sealed record Figure(
    string Scenario,
    string Name,
    double Value,
    string Unit,
    long Samples,
    string? BaselineName = null,
    double? BaselineValue = null,
    string? Target = null,
    bool? MeetsTarget = null,
    string? Note = null)
{
    public double? Ratio => BaselineValue is > 0 ? Value / BaselineValue : null;
}

/// <summary>The parameters a scenario ran with, printed before it starts and kept in the results.</summary>
public sealed record ScenarioParameters(string Scenario, IReadOnlyDictionary<string, string> Values);
