using System.Collections.Immutable;

namespace Chat.Actors.Rooms;

/// <summary>
/// One room as pure data: <see cref="Decide"/> turns a command into events and a reply without
/// changing anything; <see cref="Apply(IRoomEvent)"/> folds an event into a new state. The actor
/// around it only recovers, persists, publishes and replies.
/// </summary>
public sealed partial record RoomState
{
    private RoomState(string roomId, RoomOptions options)
    {
        RoomId = roomId;
        Options = options;
    }

    public string RoomId { get; }

    public RoomOptions Options { get; }

    public RoomStatus Status { get; private init; } = RoomStatus.New;

    public DateTimeOffset? CreatedAt { get; private init; }

    /// <summary>Seq of the newest message; also the number of messages ever sent.</summary>
    public long LastSeq { get; private init; }

    public ImmutableList<StoredMessage> Window { get; private init; } = ImmutableList<StoredMessage>.Empty;

    public DedupeIndex Dedupe { get; private init; } = DedupeIndex.Empty;

    /// <summary>Present members in join order.</summary>
    public ImmutableList<Member> Members { get; private init; } = ImmutableList<Member>.Empty;

    /// <summary>Send budgets by member, connection and room; like presence, never persisted.</summary>
    public SendBudgets Budgets { get; private init; } = SendBudgets.Full;

    public static RoomState Create(string roomId, RoomOptions options) => new(roomId, options);

    public RoomModel Model => new(RoomId, Status, CreatedAt, Members.Count, LastSeq);

    /// <summary>Active with nobody present: the grace timer should run.</summary>
    public bool IsAwaitingClose => Status == RoomStatus.Active && Members.IsEmpty;

    public Member? FindMember(string memberId) => Members.Find(m => m.Id == memberId);

    public RoomSnapshot ToSnapshot() => new(
        RoomId, Status, CreatedAt, LastSeq, Window.ToImmutableArray(), Dedupe.IdsOldestFirst.ToImmutableArray());

    public static RoomState FromSnapshot(RoomSnapshot snapshot, RoomOptions options) => new(snapshot.RoomId, options)
    {
        Status = snapshot.Status,
        CreatedAt = snapshot.CreatedAt,
        LastSeq = snapshot.LastSeq,
        Window = TrimWindow(snapshot.Window, options.WindowSize),
        Dedupe = DedupeIndex.FromIds(snapshot.RecentIds, snapshot.LastSeq, options.DedupeWindow),
    };

    private static ImmutableList<StoredMessage> TrimWindow(ImmutableArray<StoredMessage> window, int size) =>
        window.Length <= size ? window.ToImmutableList() : window.Skip(window.Length - size).ToImmutableList();

    private int IndexOfMember(string memberId) => Members.FindIndex(m => m.Id == memberId);
}
