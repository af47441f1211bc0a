namespace Chat.Actors.Rooms;

/// <summary>The budget a send ran out of; the rejection names it so the person knows whose it is.</summary>
public enum SendBudgetKind
{
    Member,
    Connection,
    RoomMessages,
    RoomBytes,
}

/// <summary>
/// Every budget a send spends from: its member's, its connection's (when the request carried a cid)
/// and the room's, in messages and in ciphertext bytes. Kept by member id and cid rather than on the
/// present member, so leaving and joining again, or spreading sends over many member ids or
/// connections, gets nothing back. In memory only: a restarted room starts with full budgets.
/// </summary>
public sealed record SendBudgets(BudgetTable Members, BudgetTable Connections, TokenBucket? RoomMessages, TokenBucket? RoomBytes)
{
    public static readonly SendBudgets Full = new(BudgetTable.Empty, BudgetTable.Empty, null, null);

    /// <summary>Member and connection entries held; bounded by pruning, see <see cref="BudgetTable.WithoutFull"/>.</summary>
    public int TrackedEntries => Members.Count + Connections.Count;

    /// <summary>
    /// Null when every budget that applies has room for this send; otherwise the rejection that names
    /// the budget the send waits longest for, with that wait as its retry hint.
    /// </summary>
    public RoomRejected? Refusal(string member, string? cid, int bytes, DateTimeOffset now, RoomOptions o)
    {
        (SendBudgetKind Budget, TimeSpan Wait)[] waits =
        [
            (SendBudgetKind.Member, Members.At(member, now, MemberRate(o)).TimeUntil(1, o.RatePerSecond)),
            (SendBudgetKind.Connection, cid is null ? TimeSpan.Zero : Connections.At(cid, now, ConnectionRate(o)).TimeUntil(1, o.ConnectionRatePerSecond)),
            (SendBudgetKind.RoomMessages, RoomMessagesAt(now, o).TimeUntil(1, o.RoomRatePerSecond)),
            (SendBudgetKind.RoomBytes, RoomBytesAt(now, o).TimeUntil(bytes, o.RoomBytesPerSecond)),
        ];
        var longest = waits.MaxBy(w => w.Wait);
        return longest.Wait > TimeSpan.Zero ? RoomErrors.TooFast(longest.Budget, longest.Wait) : null;
    }

    public SendBudgets Spent(string member, string? cid, int bytes, DateTimeOffset now, RoomOptions o) => new(
        Members.Spent(member, 1, now, MemberRate(o)),
        cid is null ? Connections : Connections.Spent(cid, 1, now, ConnectionRate(o)),
        RoomMessagesAt(now, o).Spend(),
        RoomBytesAt(now, o).Spend(bytes));

    private TokenBucket RoomMessagesAt(DateTimeOffset now, RoomOptions o) =>
        RoomMessages?.RefilledAt(now, o.RoomRatePerSecond, o.RoomRateBurst) ?? TokenBucket.Full(o.RoomRateBurst, now);

    private TokenBucket RoomBytesAt(DateTimeOffset now, RoomOptions o) =>
        RoomBytes?.RefilledAt(now, o.RoomBytesPerSecond, o.RoomBytesBurst) ?? TokenBucket.Full(o.RoomBytesBurst, now);

    private static BudgetRate MemberRate(RoomOptions o) => new(o.RatePerSecond, o.RateBurst);

    private static BudgetRate ConnectionRate(RoomOptions o) => new(o.ConnectionRatePerSecond, o.ConnectionRateBurst);
}
