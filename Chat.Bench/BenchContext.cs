using Chat.Bench.Host;
using Chat.Bench.Report;
using Chat.Bench.Res;
using Chat.Testing;
using Chat.Testing.Res;

namespace Chat.Bench;

/// <summary>What every scenario shares: the profile, the processes this run started, and the results so far.</summary>
public sealed class BenchContext(BenchProfile profile, PostgresServer postgres, NatsServer nats, CancellationToken cancellation)
{
    public const string ChatDatabase = "chat";

    public BenchProfile Profile { get; } = profile;

    public PostgresServer Postgres { get; } = postgres;

    public NatsServer Nats { get; } = nats;

    public CancellationToken Cancellation { get; } = cancellation;

    public BenchNode? Node { get; set; }

    public BenchNode RequireNode => Node ?? throw new InvalidOperationException("The node is not started.");

    /// <summary>The benchmark's stand-in for Resgate: one NATS connection for requests and events.</summary>
    public ResRequester? Gateway { get; set; }

    public ResRequester RequireGateway => Gateway ?? throw new InvalidOperationException("The gateway connection is not open.");

    /// <summary>Times sends to their <c>messages.add</c> events on <see cref="Gateway"/>'s connection.</summary>
    public AddEventWatch AddEvents { get; } = new();

    public List<Figure> Figures { get; } = [];

    public List<ScenarioParameters> Parameters { get; } = [];

    /// <summary>Baseline values by name, measured in scenario 1 of this run.</summary>
    public Dictionary<string, double> Baselines { get; } = new(StringComparer.Ordinal);

    public double Baseline(string name) => Baselines.TryGetValue(name, out var value) ? value : double.NaN;

    public void Announce(string scenario, params (string Key, object Value)[] values)
    {
        // The load average shows how busy the shared machine was when each scenario began.
        values = [.. values, ("load average at start (1/5/15 min)", Report.MachineDescription.LoadAverage())];
        var parameters = new ScenarioParameters(scenario, values.ToDictionary(v => v.Key, v => Convert.ToString(v.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));
        Parameters.Add(parameters);
        Progress.Parameters(parameters);
    }

    public Figure Add(Figure figure)
    {
        Figures.Add(figure);
        var ratio = figure.Ratio is { } r ? $"  = {r:0.###} × {figure.BaselineName}" : string.Empty;
        Progress.Line($"   {figure.Name}: {Format.Value(figure.Value)} {figure.Unit} (n={figure.Samples:N0}){ratio}");
        return figure;
    }
}
