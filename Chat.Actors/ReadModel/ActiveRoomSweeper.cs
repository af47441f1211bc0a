using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Chat.Actors.Rooms;
using Npgsql;

namespace Chat.Actors.ReadModel;

/// <summary>Registry key of the sweeper singleton.</summary>
public sealed class ActiveRoomSweeperKey;

/// <summary>
/// Brings back rooms that are active in the read model, so that one whose node died while it was
/// empty (and that nobody will ever ask for again) recovers and lets its grace timer close it
/// (docs/architecture.md, "The room lifecycle"). Waking a running room costs one message; rooms are woken at a bounded rate.
/// </summary>
public sealed class ActiveRoomSweeper : ReceiveActor, IWithTimers
{
    private const string SweepTimer = "sweep";

    private readonly string _connectionString;
    private readonly IActorRef _rooms;
    private readonly TimeSpan _interval;
    private readonly int _wakesPerSecond;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _sweeping;

    public ActiveRoomSweeper(string connectionString, IActorRef rooms, TimeSpan interval, int wakesPerSecond)
    {
        _connectionString = connectionString;
        _rooms = rooms;
        _interval = interval;
        _wakesPerSecond = wakesPerSecond;
        Receive<Sweep>(_ => StartSweep());
        Receive<SweepDone>(done =>
        {
            _sweeping = false;
            if (done.Failure is { } failure)
            {
                _log.Warning(failure, "Active-room sweep failed; next attempt in {Interval}", _interval);
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string connectionString, IActorRef rooms, TimeSpan interval, int wakesPerSecond) =>
        Akka.Actor.Props.Create(() => new ActiveRoomSweeper(connectionString, rooms, interval, wakesPerSecond));

    protected override void PreStart()
    {
        // The first sweep runs at once: this singleton starts on a new oldest node, often after a failure.
        Self.Tell(Sweep.Instance);
        Timers.StartPeriodicTimer(SweepTimer, Sweep.Instance, _interval);
    }

    private void StartSweep()
    {
        if (_sweeping)
        {
            return;
        }

        _sweeping = true;
        var rooms = _rooms;
        Source.From(() => ActiveRoomIds(_connectionString))
            .Throttle(_wakesPerSecond, TimeSpan.FromSeconds(1), _wakesPerSecond, ThrottleMode.Shaping)
            .RunForeach(roomId => rooms.Tell(new WakeRoom(roomId)), Context.Materializer())
            .PipeTo(Self, success: () => new SweepDone(null), failure: e => new SweepDone(e));
    }

    private static async IAsyncEnumerable<string> ActiveRoomIds(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM rooms WHERE is_active", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            yield return reader.GetGuid(0).ToString("D");
        }
    }

    private sealed record Sweep
    {
        public static readonly Sweep Instance = new();
    }

    private sealed record SweepDone(Exception? Failure);
}
