using Microsoft.Extensions.Diagnostics.HealthChecks;
using NATS.Client.Core;

namespace Chat.Web.Health;

/// <summary>The node's NATS connection (RES service and gateway) is open.</summary>
public sealed class NatsHealthCheck(INatsConnection nats) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(nats.ConnectionState == NatsConnectionState.Open
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"NATS connection is {nats.ConnectionState}"));
}
