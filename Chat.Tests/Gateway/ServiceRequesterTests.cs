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
}
