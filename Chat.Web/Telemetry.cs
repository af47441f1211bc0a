using Chat.Actors.Rooms;
using Chat.Gateway;
using Chat.Nats;
using Chat.Res.Service;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Chat.Web;

/// <summary>
/// OpenTelemetry metrics: the rooms', the service's, the gateway's and the NATS connections' meters, ASP.NET Core and the runtime. They are
/// exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and collected for nothing otherwise.
/// </summary>
public static class Telemetry
{
    public static IServiceCollection AddChatTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var metrics = services.AddOpenTelemetry().WithMetrics(builder => builder
            .AddMeter(RoomMetrics.MeterName, ResServiceMetrics.MeterName, GatewayMetrics.MeterName, NatsMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation());
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            metrics.UseOtlpExporter();
        }

        return services;
    }
}
