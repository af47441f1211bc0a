namespace Chat.Actors.Rooms;

/// <summary>
/// A room's write queue, without the actor. While one journal write is in flight, commands are decided
/// against the state that write will produce (<see cref="Decided"/>) and queued; when the write
/// completes, the queue becomes the next write. Steps are published (applied to <see cref="Durable"/>,
/// their changes and reply handed out) in the order they were decided, and a step's reply only after
/// its events are durable (docs/rooms.md, "Group commit and durability").
/// </summary>
public sealed class GroupCommit(RoomState state, int maxWriteBatch)
{
    private readonly List<CommitStep> _queued = [];

    /// <summary>Durable and published: what reads see.</summary>
    public RoomState Durable { get; private set; } = state;

    /// <summary><see cref="Durable"/> plus every in-flight and queued step: what new commands are decided against.</summary>
    public RoomState Decided { get; private set; } = state;

    public CommitBatch? InFlight { get; private set; }

    public bool IsIdle => InFlight is null && _queued.Count == 0;

    /// <summary>The steps written or waiting to be, oldest first.</summary>
    public IEnumerable<CommitStep> Pending => (InFlight?.Steps ?? []).Concat(_queued);

    /// <summary>Starts again from a recovered state.</summary>
    public void Recovered(RoomState recovered) => Durable = Decided = recovered;

    /// <summary>Queues a decided step; <see cref="Drain"/> then says what can go out.</summary>
    public void Enqueue(CommitStep step)
    {
        _queued.Add(step);
        foreach (var e in step.Decision.Events)
        {
            Decided = Decided.Apply(e);
        }
    }

    /// <summary>
    /// Publishes the queued steps that need no write, up to the first that does; with no write in
    /// flight, that one and those behind it (at most <paramref name="maxWriteBatch"/> events) become
    /// the write to start, returned as <see cref="Drained.Write"/>.
    /// </summary>
    public Drained Drain()
    {
        var published = new List<PublishedStep>();
        CommitBatch? started = null;
        while (InFlight is null && _queued.Count > 0)
        {
            if (_queued[0].Decision.HasPersistedEvents)
            {
                started = InFlight = TakeBatch();
            }
            else
            {
                published.Add(Publish(_queued[0]));
                _queued.RemoveAt(0);
            }
        }

        if (InFlight is null)
        {
            Decided = Durable;
        }

        return new Drained(published, started);
    }

    /// <summary>The write is durable: its steps are published. Null if it is not the write in flight.</summary>
    public IReadOnlyList<PublishedStep>? Complete(CommitBatch batch)
    {
        if (!ReferenceEquals(InFlight, batch))
        {
            return null;
        }

        InFlight = null;
        return [.. batch.Steps.Select(Publish)];
    }

    /// <summary>The write failed: every pending step is dropped unpublished and returned, to be answered.</summary>
    public IReadOnlyList<CommitStep> Fail()
    {
        var pending = Pending.ToList();
        InFlight = null;
        _queued.Clear();
        Decided = Durable;
        return pending;
    }

    private CommitBatch TakeBatch()
    {
        var steps = new List<CommitStep>();
        var events = new List<IPersistedRoomEvent>();
        foreach (var step in _queued)
        {
            var persisted = step.Decision.Events.OfType<IPersistedRoomEvent>().ToList();
            if (steps.Count > 0 && events.Count + persisted.Count > maxWriteBatch)
            {
                break;
            }

            steps.Add(step);
            events.AddRange(persisted);
        }

        _queued.RemoveRange(0, steps.Count);
        return new CommitBatch(steps, events);
    }

    private PublishedStep Publish(CommitStep step)
    {
        var changes = new List<RoomChange>();
        foreach (var e in step.Decision.Events)
        {
            Durable = Durable.Apply(e, changes);
        }

        return new PublishedStep(step, changes);
    }
}

/// <param name="ReplyTo">Where the reply goes; opaque to the queue.</param>
/// <param name="Received">When the room took the command (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), for metrics.</param>
public sealed record CommitStep(Decision Decision, ReplyTarget ReplyTo, long Received);

/// <summary>One journal write: the steps it answers and their persisted events, in order.</summary>
public sealed record CommitBatch(IReadOnlyList<CommitStep> Steps, IReadOnlyList<IPersistedRoomEvent> Events);

/// <summary>A step applied to the durable state, with the resource changes it made.</summary>
public sealed record PublishedStep(CommitStep Step, IReadOnlyList<RoomChange> Changes);

/// <param name="Published">Steps published by this drain, in order.</param>
/// <param name="Write">The write this drain started, if any.</param>
public sealed record Drained(IReadOnlyList<PublishedStep> Published, CommitBatch? Write);
