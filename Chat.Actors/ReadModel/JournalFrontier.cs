namespace Chat.Actors.ReadModel;

/// <summary>
/// How far the projection may go through the journal's <c>ordering</c> column. Orderings are taken when a
/// row is inserted but become visible when its transaction commits, so concurrent writers (rooms on
/// several nodes, group commits) commit out of order: a reader that saw 7 and 9 but not 8 must not move
/// past 8, which may still commit. A missing ordering is waited for up to <see cref="GapTimeout"/> from
/// when it was first seen missing, then skipped: by then its transaction has rolled back or its number was
/// never used (PostgreSQL sequences skip values after a rollback or a crash). Pure: the caller supplies
/// what it read and the time.
/// </summary>
public sealed class JournalFrontier(long offset, TimeSpan gapTimeout)
{
    // Missing orderings by the first one of each run, with when the run was first seen missing.
    private readonly Dictionary<long, DateTimeOffset> _missingSince = [];

    /// <summary>Every ordering up to here has been applied or given up on.</summary>
    public long Offset { get; private set; } = offset;

    public TimeSpan GapTimeout { get; } = gapTimeout;

    /// <summary>
    /// Takes the orderings read after <see cref="Offset"/> (ascending) and returns how many of them, from the
    /// first, may be applied now; <see cref="Offset"/> moves to the last of those. The rest are read again later.
    /// </summary>
    public int Accept(IReadOnlyList<long> orderings, DateTimeOffset now)
    {
        var accepted = 0;
        var expected = Offset + 1;
        for (; accepted < orderings.Count; accepted++)
        {
            var ordering = orderings[accepted];
            if (ordering < expected)
            {
                throw new ArgumentException($"Ordering {ordering} is not after {expected - 1}; pages must be read after the offset, ascending.", nameof(orderings));
            }

            if (ordering > expected && !GivenUp(expected, now))
            {
                NoteLaterGaps(orderings, accepted, now);
                break;
            }

            expected = ordering + 1;
        }

        Offset = expected - 1;
        foreach (var start in _missingSince.Keys.Where(start => start <= Offset).ToList())
        {
            _missingSince.Remove(start);
        }

        return accepted;
    }

    private bool GivenUp(long missing, DateTimeOffset now)
    {
        if (_missingSince.TryAdd(missing, now))
        {
            return GapTimeout <= TimeSpan.Zero;
        }

        return now - _missingSince[missing] >= GapTimeout;
    }

    // Every gap of a page starts its wait when first seen, so gaps left by several failed writes age together.
    private void NoteLaterGaps(IReadOnlyList<long> orderings, int from, DateTimeOffset now)
    {
        for (var i = from + 1; i < orderings.Count; i++)
        {
            if (orderings[i] > orderings[i - 1] + 1)
            {
                _missingSince.TryAdd(orderings[i - 1] + 1, now);
            }
        }
    }

    /// <summary>Runs of missing orderings being waited for.</summary>
    public int OpenGaps => _missingSince.Count;
}
