using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Chat.Nats;

/// <summary>
/// Client mistakes (malformed frames, refused requests, limits reached) are not the operator's
/// problem one by one, and an attacker must not be able to fill the log: each goes out at Debug
/// (never with a payload or a stack trace), and a count of them at Information once per interval.
/// </summary>
public sealed partial class BadInputLog : IDisposable
{
    private static readonly Meter Meter = new(NatsMetrics.MeterName);
    private static readonly Counter<long> Refused = Meter.CreateCounter<long>(
        "chat.res.bad_requests", unit: "{request}", description: "Requests refused as malformed or over a limit.");

    private readonly ILogger _logger;
    private readonly string _source;
    private readonly TimeSpan _interval;
    private readonly Timer _timer;
    private long _count;
    private long _total;

    public BadInputLog(ILogger logger, string source, TimeSpan interval)
    {
        _logger = logger;
        _source = source;
        _interval = interval;
        _timer = new Timer(_ => Flush(), null, interval, interval);
    }

    /// <summary>Total recorded since start (also a metric, tagged with the source).</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary><paramref name="reason"/> is ours (a fixed text), never the client's input.</summary>
    public void Record(string connection, string reason)
    {
        Interlocked.Increment(ref _count);
        Interlocked.Increment(ref _total);
        Refused.Add(1, new KeyValuePair<string, object?>("source", _source));
        LogRefused(_logger, _source, connection, reason);
    }

    private void Flush()
    {
        var count = Interlocked.Exchange(ref _count, 0);
        if (count > 0)
        {
            LogSummary(_logger, _source, count, _interval);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "{Source} refused a request from {Connection}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string source, string connection, string reason);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "{Source} refused {Count} malformed or over-limit requests in the last {Interval}")]
    private static partial void LogSummary(ILogger logger, string source, long count, TimeSpan interval);
}
