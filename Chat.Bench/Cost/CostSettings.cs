namespace Chat.Bench.Cost;

/// <summary>What a cost run does; the defaults are the conditions the cost targets are stated for.</summary>
public sealed record CostSettings(int Rooms, long Seed, double WindowSeconds, double SustainSeconds, int SustainedInFlight, int OfferedPerSecond)
{
    /// <summary>The steps both the baseline and the node run: one send alone, growing closed loops, then a fixed offered load.</summary>
    public IReadOnlyList<LoadStep> Plan() =>
    [
        new(LoadStep.Closed, 1, 2, WindowSeconds),
        new(LoadStep.Closed, 10, 2, WindowSeconds),
        new(LoadStep.Closed, 50, 2, WindowSeconds),
        new(LoadStep.Closed, SustainedInFlight, 2, WindowSeconds),
        new(LoadStep.Open, OfferedPerSecond, 2, WindowSeconds),
    ];
}
