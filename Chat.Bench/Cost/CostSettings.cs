namespace Chat.Bench.Cost;

/// <summary>What a cost run does; the defaults are the conditions the cost targets are stated for.</summary>
/// <param name="FirstWarmUpSeconds">
/// Load before the first window. A freshly started .NET process spends its first seconds compiling
/// its hot code again, optimized (tiered compilation): measured, the node's JIT thread took half of
/// its CPU during a first window that began 2 s after the rooms were joined. A node that has run for
/// a while no longer pays that, so the figures are taken after it.
/// </param>
public sealed record CostSettings(int Rooms, long Seed, double WindowSeconds, double SustainSeconds, int SustainedInFlight, int OfferedPerSecond, double FirstWarmUpSeconds)
{
    /// <summary>The steps both the baseline and the node run: one send alone, growing closed loops, then a fixed offered load.</summary>
    public IReadOnlyList<LoadStep> Plan() =>
    [
        new(LoadStep.Closed, 1, FirstWarmUpSeconds, WindowSeconds),
        new(LoadStep.Closed, 10, 2, WindowSeconds),
        new(LoadStep.Closed, 50, 2, WindowSeconds),
        new(LoadStep.Closed, SustainedInFlight, 2, WindowSeconds),
        new(LoadStep.Open, OfferedPerSecond, 2, WindowSeconds),
    ];
}
