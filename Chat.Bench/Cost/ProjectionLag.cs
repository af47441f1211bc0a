using Chat.Bench.Measure;
using Npgsql;

namespace Chat.Bench.Cost;

/// <summary>
/// How far the read model is behind the journal, sampled every 100 ms from outside the node: the
/// journal's highest ordering and the projection's stored offset. The lag at a sample is the age of the
/// oldest event not yet projected, bounded from above: the time since the last earlier sample at which
/// the journal did not yet hold it (so each figure may overstate the lag by up to one interval).
/// </summary>
public sealed class ProjectionLag(string connectionString)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly List<(long At, long Journal, long Projected)> _samples = [];

    /// <summary>Samples until <paramref name="stop"/> is cancelled.</summary>
    public async Task SampleAsync(CancellationToken stop)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        while (!stop.IsCancellationRequested)
        {
            var (journal, projected) = await ReadAsync(database);
            lock (_samples)
            {
                _samples.Add((Clock.Now, journal, projected));
            }

            try
            {
                await Task.Delay(Interval, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>The lag at every sample taken so far, in seconds.</summary>
    public Latencies Lags()
    {
        var lags = new Latencies();
        lock (_samples)
        {
            for (var i = 0; i < _samples.Count; i++)
            {
                var (at, journal, projected) = _samples[i];
                if (projected >= journal)
                {
                    lags.Add(0);
                    continue;
                }

                // The oldest unprojected event (projected + 1) was not yet in the journal at the last sample before the first that held it.
                var first = _samples.FindIndex(0, i + 1, s => s.Journal > projected);
                var before = first > 0 ? _samples[first - 1].At : _samples[0].At;
                lags.Add(Clock.Seconds(before, at));
            }
        }

        return lags;
    }

    /// <summary>Waits until the projection's offset reaches the journal's end as it is now; returns the seconds it took.</summary>
    public async Task<double> CatchUpAsync(TimeSpan limit, CancellationToken cancellation)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        var start = Clock.Now;
        var (end, _) = await ReadAsync(database);
        while (Clock.Seconds(start, Clock.Now) < limit.TotalSeconds)
        {
            var (_, projected) = await ReadAsync(database);
            if (projected >= end)
            {
                return Clock.Seconds(start, Clock.Now);
            }

            await Task.Delay(Interval, cancellation);
        }

        return double.PositiveInfinity;
    }

    private static async Task<(long Journal, long Projected)> ReadAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand(
            "SELECT (SELECT COALESCE(MAX(ordering), 0) FROM akka.journal), (SELECT COALESCE(MAX(ordering), 0) FROM projection_offsets WHERE projection = 'read-model')");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
