using System.Threading.RateLimiting;

namespace Chat.Gateway;

/// <summary>One connection's share of the gateway's per-connection request budgets.</summary>
internal sealed class ConnectionRate(PartitionedRateLimiter<string> limiter, string cid) : RateLimiter
{
    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics() => limiter.GetStatistics(cid);

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => limiter.AttemptAcquire(cid, permitCount);

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        limiter.AcquireAsync(cid, permitCount, cancellationToken);
}
