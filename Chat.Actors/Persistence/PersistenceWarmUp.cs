using Akka.Actor;
using Akka.Event;
using Npgsql;

namespace Chat.Actors.Persistence;

/// <summary>
/// Makes a node's first room recoveries as fast as its later ones. A node that has not yet replayed an
/// event pays, in the first recovery it is given, for compiling the journal's row reader, the event
/// deserializers and the room's replay code: a third to half a second per room on a busy two-core
/// machine, all of a stopping node's rooms at once (docs/failover.md). So when the node starts it
/// recovers a persistence id that never has events (the journal and snapshot store open connections and
/// check their tables), then, as soon as the journal holds a room, replays that room read-only
/// (<see cref="ReplayWarmUp"/>). An empty journal is asked again every second for
/// <see cref="GiveUpAfter"/>; after that the first real recovery warms the node instead.
/// </summary>
public sealed class PersistenceWarmUp : ReceiveActor, IWithTimers
{
    /// <summary>Read only, never written; every node may recover it at the same time.</summary>
    public const string EmptyId = "chat-node-warm-up";

    public static readonly TimeSpan AskEvery = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(10);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _connectionString;
    private readonly string _schema;
    private readonly Rooms.RoomOptions _rooms;
    private readonly DateTime _giveUpAt = DateTime.UtcNow + GiveUpAfter;

    public PersistenceWarmUp(string connectionString, string schema, Rooms.RoomOptions rooms)
    {
        _connectionString = connectionString;
        _schema = schema;
        _rooms = rooms;

        Receive<Ask>(_ => NewestPersistenceIdAsync().PipeTo(Self, failure: e => new Status.Failure(e)));
        Receive<Found>(found =>
        {
            if (found.PersistenceId is { } id)
            {
                Context.Watch(Context.ActorOf(ReplayWarmUp.Props(id, _rooms), "replay"));
                Become(Replaying);
            }
            else
            {
                AskAgainOrStop();
            }
        });
        Receive<Status.Failure>(failure =>
        {
            _log.Debug("Warm-up could not read the journal ({0}); asking again", failure.Cause.GetType().Name);
            AskAgainOrStop();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string connectionString, string schema, Rooms.RoomOptions rooms) =>
        Akka.Actor.Props.Create(() => new PersistenceWarmUp(connectionString, schema, rooms));

    protected override void PreStart()
    {
        Context.ActorOf(ReplayWarmUp.Props(EmptyId, _rooms), "tables");
        Self.Tell(Ask.Instance);
    }

    private void Replaying()
    {
        Receive<Terminated>(_ => Context.Stop(Self));
    }

    private void AskAgainOrStop()
    {
        if (DateTime.UtcNow < _giveUpAt)
        {
            Timers.StartSingleTimer(Ask.Instance, Ask.Instance, AskEvery);
        }
        else
        {
            Context.Stop(Self);
        }
    }

    /// <summary>The persistence id of the newest event, if it is a room's (an index-only read of the journal's key).</summary>
    private async Task<Found> NewestPersistenceIdAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();

        // The schema name was checked against ^[a-z_][a-z0-9_]*$ at start, so quoting it is enough.
        await using var command = new NpgsqlCommand(
            $"""SELECT persistence_id FROM "{_schema}".journal ORDER BY ordering DESC LIMIT 1""", connection);
        var id = await command.ExecuteScalarAsync() as string;
        return new Found(id is not null && id.StartsWith(Rooms.RoomIds.PersistencePrefix, StringComparison.Ordinal) ? id : null);
    }

    private sealed class Ask
    {
        public static readonly Ask Instance = new();
    }

    private sealed record Found(string? PersistenceId);
}
