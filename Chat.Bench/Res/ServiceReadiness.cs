using System.Text;
using Chat.Testing.Res;

namespace Chat.Bench.Res;

/// <summary>
/// Waits for a RES service to announce itself: it publishes <c>system.reset</c> naming its resources and
/// access once its subscriptions are in place. Listen before starting the service.
/// </summary>
public sealed class ServiceReadiness : IAsyncDisposable
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ResRequester? _requester;

    public static async Task<ServiceReadiness> ListenAsync(string natsUrl, CancellationToken cancellation)
    {
        var readiness = new ServiceReadiness();
        readiness._requester = await BenchRequesters.ConnectAsync(natsUrl, cancellation);
        Scenarios.NatsBaseline.ServerVersion = readiness._requester.Connection.ServerInfo?.Version ?? "unknown";
        await readiness._requester.ListenAsync("system.reset", (_, body, _) =>
        {
            if (Encoding.UTF8.GetString(body).Contains("\"access\"", StringComparison.Ordinal))
            {
                readiness._ready.TrySetResult();
            }
        });
        return readiness;
    }

    public Task WaitAsync(TimeSpan timeout) => _ready.Task.WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        if (_requester is not null)
        {
            await _requester.DisposeAsync();
        }
    }
}
