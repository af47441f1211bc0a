using System.Collections.Immutable;

namespace Chat.Actors.Rooms;

/// <summary>How fast a budget refills and how much it holds when full.</summary>
public readonly record struct BudgetRate(double PerSecond, int Burst);

/// <summary>
/// One send budget per key (member id or cid). A key without an entry has a full bucket, so dropping
/// an entry that has refilled completely changes nothing: that is how the table stays small.
/// </summary>
public sealed record BudgetTable(ImmutableDictionary<string, TokenBucket> Buckets, int PruneAtCount)
{
    /// <summary>Below this many entries the table is never scanned; a room's handful of members and tabs fits.</summary>
    public const int MinPruneAtCount = 64;

    public static readonly BudgetTable Empty = new(ImmutableDictionary.Create<string, TokenBucket>(StringComparer.Ordinal), MinPruneAtCount);

    public int Count => Buckets.Count;

    public TokenBucket At(string key, DateTimeOffset now, BudgetRate rate) =>
        Buckets.TryGetValue(key, out var bucket) ? bucket.RefilledAt(now, rate.PerSecond, rate.Burst) : TokenBucket.Full(rate.Burst, now);

    public BudgetTable Spent(string key, double amount, DateTimeOffset now, BudgetRate rate)
    {
        var spent = this with { Buckets = Buckets.SetItem(key, At(key, now, rate).Spend(amount)) };
        return spent.Count > PruneAtCount ? spent.WithoutFull(now, rate) : spent;
    }

    /// <summary>
    /// Drops every entry that has refilled completely. What is left spent within the last
    /// burst/rate seconds, which the room-wide budget bounds; the next scan waits until the table has
    /// doubled, so a table of busy entries is not rescanned on every send.
    /// </summary>
    public BudgetTable WithoutFull(DateTimeOffset now, BudgetRate rate)
    {
        var full = Buckets.Keys.Where(key => At(key, now, rate).IsFull(rate.Burst)).ToList();
        var kept = Buckets.RemoveRange(full);
        return new BudgetTable(kept, Math.Max(MinPruneAtCount, kept.Count * 2));
    }
}
