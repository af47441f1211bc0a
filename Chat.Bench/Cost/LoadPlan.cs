using System.Globalization;

namespace Chat.Bench.Cost;

/// <summary>
/// One step of the load generator's plan: a closed loop with <see cref="Level"/> sends outstanding, or
/// an open loop offering <see cref="Level"/> sends per second on a fixed schedule. Written on the
/// command line as <c>closed:200:2:10</c> (kind, level, warm-up seconds, window seconds).
/// </summary>
public sealed record LoadStep(string Kind, int Level, double WarmUpSeconds, double WindowSeconds)
{
    public const string Closed = "closed";
    public const string Open = "open";

    public string Name => Kind == Closed ? $"{Level:N0} in flight" : $"{Level:N0} sends/s offered";

    public static LoadStep Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 4 || parts[0] is not (Closed or Open))
        {
            throw new FormatException($"A load step is kind:level:warmup:window, kind closed or open; not '{text}'.");
        }

        return new LoadStep(parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture),
            double.Parse(parts[2], CultureInfo.InvariantCulture), double.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Kind}:{Level}:{WarmUpSeconds}:{WindowSeconds}");
}

/// <summary>Reported by the generator when a step's timed window begins (the parent reads CPU counters then).</summary>
public sealed record WindowStarted(int Step);

/// <summary>Reported by the generator when a step's window has ended.</summary>
/// <param name="Latency">Closed loop: request to reply. Open loop: scheduled send time to the <c>messages.add</c> event.</param>
public sealed record StepResult(
    int Step, string Name, double SendsPerSecond, long Sends, long Errors, long EventsMissing, double WindowSeconds, Measure.LatencySummary Latency, string? FirstError)
{
    /// <summary>Open loop: how late the generator's sends left, scheduled send time to handed to the NATS client (part of <see cref="Latency"/>).</summary>
    public Measure.LatencySummary? SenderLateness { get; init; }
}

/// <summary>Reported once every room was joined.</summary>
public sealed record RoomsJoined(int Rooms, int Errors, string? FirstError);
