using System.Net;
using System.Net.WebSockets;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Hostile;

/// <summary>Connections are capped per node, and a connection that says nothing is closed.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HostileConnectionCountTests(PostgresFixture postgres) : HostileSpec(postgres)
{
    // The bystanders hold four connections.
    protected override Dictionary<string, string?> Overrides => new()
    {
        ["Chat:Gateway:MaxConnections"] = "6",
        ["Chat:Gateway:IdleTimeout"] = "00:00:02",
    };

    [Fact]
    public async Task ConnectionsOverTheNodesLimit_AreRefusedWith503_UntilOneCloses()
    {
        await UnderAttack(async () =>
        {
            var first = await Attacker();
            await using var second = await Attacker();
            (await WsClient.RefusedUpgradeAsync(Node.WebSocketUri)).Should().Be(HttpStatusCode.ServiceUnavailable);

            await first.DisposeAsync();
            await first.Closed;
            await using var third = await ConnectWhenASlotIsFree();
            (await third.RequestAsync("version"))["result"].Should().NotBeNull();
        });
    }

    [Fact]
    public async Task IdleConnection_IsClosedWithAReason()
    {
        await UnderAttack(async () =>
        {
            await using var idle = await Attacker();
            await idle.Closed.WaitAsync(TimeSpan.FromSeconds(15));
            idle.CloseStatus.Should().Be(WebSocketCloseStatus.PolicyViolation);
            idle.CloseReason.Should().Contain("Idle");
        });
    }

    // The server frees the slot when it has seen the close; until then an upgrade may still be refused.
    private async Task<WsClient> ConnectWhenASlotIsFree()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                return await Attacker();
            }
            catch (WebSocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
