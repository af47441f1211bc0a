using Chat.Gateway;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.Web.Health;

/// <summary>The embedded gateway listens for resets and connection tokens, so it can serve WebSockets.</summary>
public sealed class GatewayHealthCheck(ResGateway gateway) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(gateway.IsListening
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The gateway is not yet listening on NATS"));
}
