using System.Text.Json.Nodes;
using Chat.Gateway;
using Chat.Testing;
using NATS.Client.Core;

namespace Chat.Tests.Gateway;

/// <summary>The gateway's requests to services over a real nats-server, when NATS fails under them.</summary>
public sealed class ServiceRequesterTests : IAsyncLifetime
{
    private NatsServer _nats = null!;

    public async Task InitializeAsync() => _nats = await NatsServer.StartAsync();

    public async Task DisposeAsync() => await _nats.DisposeAsync();

    [Fact]
    public async Task ConnectionClosedWhileAwaitingTheReply_IsAnsweredTimeout_NotThrown()
    {
        await using var service = new NatsConnection(NatsOpts.Default with { Url = _nats.Url });
        await using var silent = await service.SubscribeCoreAsync<byte[]>("get.room.silent");
        var gateway = new NatsConnection(NatsOpts.Default with { Url = _nats.Url });
        await gateway.ConnectAsync();
        var requester = new ServiceRequester(gateway, TimeSpan.FromMinutes(1));

        var reply = requester.RequestAsync("get.room.silent", new JsonObject(), CancellationToken.None);
        await silent.Msgs.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        // The reply inbox's subscription ends with the connection (a node stopping, NATS.Net giving up on it).
        await gateway.DisposeAsync();

        (await reply.WaitAsync(TimeSpan.FromSeconds(10))).Error.Should().Be(ResError.Timeout, "every request is answered, as Resgate does when a service is out of reach");
    }

    [Fact]
    public async Task CallerGivesUpWhileAwaitingTheReply_EndsAsACancellation_NeverAFailure()
    {
        // The caller's token also ends the reply inbox's subscription (NATS.Net), so the wait may see its channel
        // closed rather than its own cancellation. Either way the gateway must get a cancellation (a closing
        // WebSocket's requests are dropped quietly), never an answer or an exception it logs as a bug (a CI fuzz
        // run did). The race is run many times; on an idle machine the wait sees its own cancellation first, so
        // this guards the contract more than it reproduces the race, which needed the CI machine's load.
        await using var service = new NatsConnection(NatsOpts.Default with { Url = _nats.Url });
        await using var silent = await service.SubscribeCoreAsync<byte[]>("get.room.silent");
        await using var gateway = new NatsConnection(NatsOpts.Default with { Url = _nats.Url });
        await gateway.ConnectAsync();
        var requester = new ServiceRequester(gateway, TimeSpan.FromMinutes(1));
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < 300; i++)
        {
            using var gaveUp = new CancellationTokenSource();
            var reply = requester.RequestAsync("get.room.silent", new JsonObject(), gaveUp.Token);
            await silent.Msgs.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            await gaveUp.CancelAsync();

            string outcome;
            try
            {
                outcome = $"answered {(await reply.WaitAsync(TimeSpan.FromSeconds(10))).Error}";
            }
            catch (Exception e) when (e is not TimeoutException)
            {
                outcome = e is OperationCanceledException ? "cancelled" : e.GetType().Name;
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        outcomes.Keys.Should().Equal(["cancelled"], "a request its caller gave up on ends as a cancellation");
    }
}
