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

    /// <summary>The newest messages, at most <see cref="RoomOptions.WindowSize"/> and <see cref="RoomOptions.MaxResponseBytes"/>.</summary>
    public ImmutableList<StoredMessage> Window { get; private init; } = ImmutableList<StoredMessage>.Empty;

    /// <summary>The window's <see cref="StoredMessage.ResponseBytes"/> summed, kept so that trimming never re-sums.</summary>
    public int WindowBytes { get; private init; }

    public DedupeIndex Dedupe { get; private init; } = DedupeIndex.Empty;

    /// <summary>Present members in join order.</summary>
    public ImmutableList<Member> Members { get; private init; } = ImmutableList<Member>.Empty;

    /// <summary>Send budgets by member, connection and room; like presence, never persisted.</summary>
    public SendBudgets Budgets { get; private init; } = SendBudgets.Full;

    public static RoomState Create(string roomId, RoomOptions options) => new(roomId, options);

    public RoomModel Model => new(RoomId, Status, CreatedAt, Members.Count, LastSeq);

    /// <summary>Active with nobody present: the grace timer should run.</summary>
    public bool IsAwaitingClose => Status == RoomStatus.Active && Members.IsEmpty;

    /// <summary>
    /// The presence timer the room needs: none unless active; while active and empty, the grace
    /// period that closes it; otherwise the sweep that expires silent members.
    /// </summary>
    public PresenceTimer PresenceTimer =>
        Status != RoomStatus.Active ? PresenceTimer.None : Members.IsEmpty ? PresenceTimer.Grace : PresenceTimer.Sweep;

    public Member? FindMember(string memberId) => Members.Find(m => m.Id == memberId);

    public RoomSnapshot ToSnapshot() => new(
        RoomId, Status, CreatedAt, LastSeq, Window.ToImmutableArray(), Dedupe.IdsOldestFirst.ToImmutableArray());

    public static RoomState FromSnapshot(RoomSnapshot snapshot, RoomOptions options)
    {
        // The same window the events give: the longest run of newest messages within both limits.
        var window = NewestThatFit(snapshot.Window, options.WindowSize, options.MaxResponseBytes);
        return new RoomState(snapshot.RoomId, options)
        {
            Status = snapshot.Status,
            CreatedAt = snapshot.CreatedAt,
            LastSeq = snapshot.LastSeq,
            Window = window.ToImmutableList(),
            WindowBytes = window.Sum(m => m.ResponseBytes()),
            Dedupe = DedupeIndex.FromIds(snapshot.RecentIds, snapshot.LastSeq, options.DedupeWindow),
        };
    }

    /// <summary>
    /// A history page of <paramref name="oldestFirst"/>: its newest messages that fit in
    /// <see cref="RoomOptions.MaxResponseBytes"/>, oldest first. A client paging on with the oldest seq
    /// it got as the next <c>before</c> still walks every message.
    /// </summary>
    public HistoryPage HistoryPageOf(IReadOnlyList<StoredMessage> oldestFirst) =>
        new(NewestThatFit(oldestFirst, int.MaxValue, Options.MaxResponseBytes));

    /// <summary>
    /// The newest messages of <paramref name="oldestFirst"/> that hold at most <paramref name="maxCount"/>
    /// messages and <paramref name="maxBytes"/> response bytes, oldest first. Never empty when there are
    /// messages: a single message over the limit (one stored before the limit was lowered) still goes.
    /// </summary>
    private static ImmutableArray<StoredMessage> NewestThatFit(IReadOnlyList<StoredMessage> oldestFirst, int maxCount, int maxBytes)
    {
        var start = oldestFirst.Count;
        var bytes = 0;
        while (start > 0)
        {
            var taken = oldestFirst.Count - start;
            var size = oldestFirst[start - 1].ResponseBytes();
            if (taken > 0 && (taken >= maxCount || bytes + size > maxBytes))
            {
                break;
            }

            bytes += size;
            start--;
        }

        return oldestFirst.Skip(start).ToImmutableArray();
    }

    private int IndexOfMember(string memberId) => Members.FindIndex(m => m.Id == memberId);
}
