namespace Chat.Actors.Rooms;

/// <summary>
/// A send budget: refills continuously up to its burst and spends per accepted send, one token for a
/// message or one per byte. Pure: time comes in as a value, so the same events give the same budget.
/// </summary>
public readonly record struct TokenBucket(double Tokens, DateTimeOffset UpdatedAt)
{
    public static TokenBucket Full(int burst, DateTimeOffset now) => new(burst, now);

    public TokenBucket RefilledAt(DateTimeOffset now, double ratePerSecond, int burst)
    {
        if (now <= UpdatedAt)
        {
            return this;
        }

        var refilled = Tokens + ((now - UpdatedAt).TotalSeconds * ratePerSecond);
        return new TokenBucket(Math.Min(burst, refilled), now);
    }

    public bool Holds(double amount) => Tokens >= amount;

    public bool IsFull(int burst) => Tokens >= burst;

    public TokenBucket Spend(double amount = 1) => this with { Tokens = Tokens - amount };

    /// <summary>
    /// How long until <paramref name="amount"/> tokens are there, rounded up to the millisecond so that
    /// a caller who waits that long finds them; zero when they are there now.
    /// </summary>
    public TimeSpan TimeUntil(double amount, double ratePerSecond) =>
        Holds(amount) ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Ceiling((amount - Tokens) / ratePerSecond * 1000));
}
