using System.Collections.Concurrent;
using System.Text;
using NATS.Client.Core;

namespace Chat.Tests.Hostile;

/// <summary>
/// A RES service for <c>slow.*</c> resources on the real nats-server that answers a get only when the
/// test says so (and with what it says), so a test can act while the gateway waits for a load.
/// </summary>
public sealed class SlowService : IAsyncDisposable
{
    private readonly INatsSub<byte[]> _access;
    private readonly INatsSub<byte[]> _gets;
    private readonly INatsConnection _nats;
    private readonly Task _serving;
    private readonly ConcurrentQueue<string> _answers = new();
    private readonly SemaphoreSlim _released = new(0);
    private int _getsSeen;

    private SlowService(INatsConnection nats, INatsSub<byte[]> access, INatsSub<byte[]> gets)
    {
        _nats = nats;
        _access = access;
        _gets = gets;
        _serving = Task.WhenAll(ServeAccessAsync(), ServeGetsAsync());
    }

    public const string Model = """{"result":{"model":{"name":"slow"}}}""";

    /// <summary>Get requests received so far.</summary>
    public int GetsSeen => Volatile.Read(ref _getsSeen);

    public static async Task<SlowService> StartAsync(INatsConnection nats)
    {
        var access = await nats.SubscribeCoreAsync<byte[]>("access.slow.>");
        var gets = await nats.SubscribeCoreAsync<byte[]>("get.slow.>");
        await nats.PingAsync();
        return new SlowService(nats, access, gets);
    }

    /// <summary>Lets one waiting get be answered with <paramref name="response"/>.</summary>
    public void Answer(string response = Model)
    {
        _answers.Enqueue(response);
        _released.Release();
    }

    public async Task WaitForGetsAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (GetsSeen < count)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private async Task ServeAccessAsync()
    {
        await foreach (var request in _access.Msgs.ReadAllAsync())
        {
            await _nats.PublishAsync(request.ReplyTo!, Encoding.UTF8.GetBytes("""{"result":{"get":true,"call":"*"}}"""));
        }
    }

    private async Task ServeGetsAsync()
    {
        var answering = new List<Task>();
        await foreach (var request in _gets.Msgs.ReadAllAsync())
        {
            Interlocked.Increment(ref _getsSeen);
            answering.Add(AnswerWhenReleasedAsync(request.ReplyTo!));
        }

        await Task.WhenAll(answering);
    }

    private async Task AnswerWhenReleasedAsync(string inbox)
    {
        await _released.WaitAsync();
        if (_answers.TryDequeue(out var answer))
        {
            await _nats.PublishAsync(inbox, Encoding.UTF8.GetBytes(answer));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _access.UnsubscribeAsync();
        await _gets.UnsubscribeAsync();
        _released.Release(1000);
        await _serving;
        _released.Dispose();
    }
}
