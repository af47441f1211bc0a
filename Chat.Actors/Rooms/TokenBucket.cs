namespace Chat.Actors.Rooms;

/// <summary>A per-member send budget: refills continuously, spends one token per accepted send.</summary>
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

    public bool HasToken => Tokens >= 1;

    public TokenBucket Spend() => this with { Tokens = Tokens - 1 };
}
