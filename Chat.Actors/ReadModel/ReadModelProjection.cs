using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Chat.Actors.Persistence;
using Npgsql;

namespace Chat.Actors.ReadModel;

/// <summary>Registry key of the projection singleton.</summary>
public sealed class ReadModelProjectionKey;

/// <summary>
/// Keeps <c>rooms</c> and <c>messages</c> current: reads the tagged events after the stored offset and
/// writes them with <see cref="ReadModelWriter"/>. Runs as a cluster singleton; on any failure
/// (PostgreSQL restarting, a query timing out) the stream restarts with backoff from the offset
/// stored in the database, which is exact because rows and offset commit together.
/// </summary>
public sealed class ReadModelProjection : ReceiveActor
{
    private readonly ProjectionOptions _options;
    private readonly NpgsqlDataSource _database;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private UniqueKillSwitch? _killSwitch;

    public ReadModelProjection(string connectionString, ProjectionOptions options)
    {
        _options = options;
        _database = NpgsqlDataSource.Create(connectionString);
    }

    public static Props Props(string connectionString, ProjectionOptions options) =>
        Akka.Actor.Props.Create(() => new ReadModelProjection(connectionString, options));

    protected override void PreStart()
    {
        var journal = PersistenceQuery.Get(Context.System).ReadJournalFor<SqlReadJournal>(PersistenceHocon.ReadJournalId);
        var settings = RestartSettings.Create(_options.MinBackoff, _options.MaxBackoff, 0.2);
        var database = _database;
        var log = _log;
        var batches = RestartSource.OnFailuresWithBackoff(
            () => Source.FromTask(ReadModelWriter.ReadOffsetAsync(database, CancellationToken.None))
                .ConcatMany(offset => journal.EventsByTag(Persistence.RoomEventTagger.Tag, Offset.Sequence(offset)))
                .GroupedWithin(_options.BatchSize, _options.BatchWindow)
                .SelectAsync(1, async batch =>
                {
                    var events = batch.ToList();
                    await ReadModelWriter.WriteAsync(database, events, CancellationToken.None);
                    return events.Count;
                })
                .SelectError(failure =>
                {
                    log.Warning(failure, "Read-model projection failed; restarting from the stored offset");
                    return failure;
                }),
            settings);

        _killSwitch = batches
            .ViaMaterialized(KillSwitches.Single<int>(), Keep.Right)
            .To(Sink.Ignore<int>())
            .Run(Context.Materializer());
    }

    protected override void PostStop()
    {
        _killSwitch?.Shutdown();
        _database.Dispose();
    }
}
