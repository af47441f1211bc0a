using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Chat.Actors.Rooms;
using Chat.Bench.Measure;
using Chat.Res.Service;

namespace Chat.Bench.Cost;

/// <summary>
/// The node's own timings of a send's stages, read from its histograms (the ones it exports by
/// OpenTelemetry) with a <see cref="MeterListener"/> while a window runs: the room's command
/// (taken to handed to the output, the journal write inside it) and the outbox (queued to taken by NATS).
/// The node runs in this process, so these are its measurements, not the generator's.
/// </summary>
public sealed class StageTimes : IDisposable
{
    private static readonly string[] Instruments = ["chat.room.command.duration", "chat.room.journal.duration", "chat.res.outbox.delay"];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, Latencies> _samples = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public StageTimes()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name is RoomMetrics.MeterName or ResServiceMetrics.MeterName && Instruments.Contains(instrument.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (_recording)
            {
                _samples.GetOrAdd(instrument.Name, _ => new Latencies()).Add(value);
            }
        });
        _listener.Start();
    }

    public void Start()
    {
        _samples.Clear();
        _recording = true;
    }

    /// <summary>Stops recording and returns each stage's summary (ms), by instrument name.</summary>
    public IReadOnlyDictionary<string, LatencySummary> Stop()
    {
        _recording = false;
        return _samples.ToDictionary(p => p.Key, p => p.Value.Summarize(), StringComparer.Ordinal);
    }

    public void Dispose() => _listener.Dispose();
}
