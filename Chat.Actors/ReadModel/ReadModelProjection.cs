using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Chat.Actors.ReadModel;

/// <summary>Registry key of the projection singleton.</summary>
public sealed class ReadModelProjectionKey;

/// <summary>
/// Keeps <c>rooms</c> and <c>messages</c> current: follows the journal from the stored offset
/// (<see cref="JournalTail"/>) and writes each page with <see cref="ReadModelWriter"/>. Runs as a cluster
/// singleton; on any failure (PostgreSQL restarting, a query timing out) the stream restarts with backoff
/// from the offset stored in the database, which is exact because rows and offset commit together.
/// </summary>
public sealed class ReadModelProjection : ReceiveActor
{
    private readonly ProjectionOptions _options;
    private readonly string _schema;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly NpgsqlDataSource _database;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private UniqueKillSwitch? _killSwitch;

    public ReadModelProjection(string connectionString, string schema, ProjectionOptions options, TimeProvider clock, ILogger logger)
    {
        _logger = logger;
        _options = options;
        _schema = schema;
        _clock = clock;
        _database = NpgsqlDataSource.Create(connectionString);
    }

    public static Props Props(string connectionString, string schema, ProjectionOptions options, TimeProvider clock, ILogger logger) =>
        Akka.Actor.Props.Create(() => new ReadModelProjection(connectionString, schema, options, clock, logger));

    protected override void PreStart()
    {
        var settings = RestartSettings.Create(_options.MinBackoff, _options.MaxBackoff, 0.2);
        var (database, schema, options, clock, log, logger) = (_database, _schema, _options, _clock, _log, _logger);
        var serialization = Context.System.Serialization;
        var pages = RestartSource.OnFailuresWithBackoff(
            () => Source.From(() => JournalTail.FollowAsync(database, schema, serialization, options, clock, logger, CancellationToken.None))
                .SelectAsync(1, async page =>
                {
                    await ReadModelWriter.WriteAsync(database, page.Events, page.LastOrdering, CancellationToken.None);
                    return page.Events.Count;
                })
                .SelectError(failure =>
                {
                    log.Warning(failure, "Read-model projection failed; restarting from the stored offset");
                    return failure;
                }),
            settings);

        _killSwitch = pages
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
