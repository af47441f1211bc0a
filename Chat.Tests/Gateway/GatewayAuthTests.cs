using System.Text;
using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;
using NATS.Client.Core;

namespace Chat.Tests.Gateway;

/// <summary>
/// RES authentication through the embedded gateway, as Resgate does it: an <c>auth</c> request, the
/// service's <c>conn.{cid}.token</c> event (published before its reply), the token in every access
/// and call request, and subscriptions checked again when the token changes. A test service for
/// <c>vault.*</c> on the real nats-server plays the service.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GatewayAuthTests(PostgresFixture postgres) : GatewaySpec(postgres)
{
    [Fact]
    public async Task Auth_SetsTheConnectionsToken_BeforeItsReply_AndAccessGetsIt()
    {
        await using var vault = await VaultService.StartAsync(Listener.Connection);
        for (var i = 0; i < 20; i++)
        {
            await using var client = await WsClient.ConnectAsync(Node.WebSocketUri);
            (await client.RequestAsync("subscribe.vault.box"))["error"]!["code"]!.GetValue<string>().Should().Be("system.accessDenied");

            var login = await client.RequestAsync("auth.vault.login", new JsonObject { ["name"] = "alice" });
            login["result"].Should().NotBeNull();

            // No wait in between: the token event was published before the reply, so it is in force now.
            var subscribed = await client.RequestAsync("subscribe.vault.box");
            subscribed["result"]!["models"]!["vault.box"]!["v"]!.GetValue<int>().Should().Be(1);
        }

        vault.TokensSeen.Should().Contain(t => t != null && t.Contains("alice", StringComparison.Ordinal), "access requests carry the token");
        vault.TokensSeen.Should().Contain((string?)null, "before the login the token is null, as Resgate sends it");
    }

    [Fact]
    public async Task TokenCleared_EndsSubscriptionsItGranted()
    {
        await using var vault = await VaultService.StartAsync(Listener.Connection);
        await using var client = await WsClient.ConnectAsync(Node.WebSocketUri);
        await client.RequestAsync("auth.vault.login", new JsonObject { ["name"] = "alice" });
        (await client.RequestAsync("subscribe.vault.box"))["error"].Should().BeNull();

        await client.RequestAsync("auth.vault.logout");

        var ended = await client.NextEventAsync(e => e == "vault.box.unsubscribe");
        ended["data"]!["reason"]!["code"]!.GetValue<string>().Should().Be("system.accessDenied");
        (await client.RequestAsync("call.vault.box.open"))["error"]!["code"]!.GetValue<string>().Should().Be("system.accessDenied");
    }

    [Fact]
    public async Task Calls_CarryTheToken_AndAuthWithoutAServiceIsNotFound()
    {
        await using var vault = await VaultService.StartAsync(Listener.Connection);
        await using var client = await WsClient.ConnectAsync(Node.WebSocketUri);
        await client.RequestAsync("auth.vault.login", new JsonObject { ["name"] = "bob" });

        var opened = await client.RequestAsync("call.vault.box.open");
        opened["result"]!["payload"]!["by"]!.GetValue<string>().Should().Be("bob");
        (await client.RequestAsync("auth.nowhere.login"))["error"]!["code"]!.GetValue<string>().Should().Be("system.notFound");
    }

    /// <summary><c>vault.*</c>: login sets a token naming the user, logout clears it; access and calls need a user.</summary>
    private sealed class VaultService : IAsyncDisposable
    {
        private readonly NatsConnection _nats;
        private readonly List<INatsSub<byte[]>> _subscriptions;
        private readonly Task _serving;
        private readonly List<string?> _tokensSeen = [];

        private VaultService(NatsConnection nats, List<INatsSub<byte[]>> subscriptions)
        {
            _nats = nats;
            _subscriptions = subscriptions;
            _serving = Task.WhenAll(subscriptions.Select(ServeAsync));
        }

        public IReadOnlyList<string?> TokensSeen
        {
            get
            {
                lock (_tokensSeen)
                {
                    return [.. _tokensSeen];
                }
            }
        }

        public static async Task<VaultService> StartAsync(NatsConnection nats)
        {
            var subscriptions = new List<INatsSub<byte[]>>
            {
                await nats.SubscribeCoreAsync<byte[]>("auth.vault.>"),
                await nats.SubscribeCoreAsync<byte[]>("access.vault.>"),
                await nats.SubscribeCoreAsync<byte[]>("get.vault.>"),
                await nats.SubscribeCoreAsync<byte[]>("call.vault.>"),
            };
            await nats.PingAsync();
            return new VaultService(nats, subscriptions);
        }

        private async Task ServeAsync(INatsSub<byte[]> subscription)
        {
            await foreach (var request in subscription.Msgs.ReadAllAsync())
            {
                var body = JsonNode.Parse(request.Data ?? "{}"u8.ToArray()) as JsonObject ?? [];
                var user = body["token"]?["user"]?.GetValue<string>();
                string reply;
                if (request.Subject.StartsWith("auth.", StringComparison.Ordinal))
                {
                    var cid = body["cid"]!.GetValue<string>();
                    var name = request.Subject.EndsWith(".login", StringComparison.Ordinal) ? body["params"]?["name"]?.GetValue<string>() : null;
                    var token = name is null ? "null" : $$"""{"user":"{{name}}"}""";
                    await _nats.PublishAsync($"conn.{cid}.token", Encoding.UTF8.GetBytes($$$"""{"token":{{{token}}}}"""));
                    reply = """{"result":null}""";
                }
                else if (request.Subject.StartsWith("access.", StringComparison.Ordinal))
                {
                    lock (_tokensSeen)
                    {
                        _tokensSeen.Add(body["token"]?.ToJsonString());
                    }

                    reply = user is null ? """{"result":{"get":false}}""" : """{"result":{"get":true,"call":"*"}}""";
                }
                else if (request.Subject.StartsWith("get.", StringComparison.Ordinal))
                {
                    reply = """{"result":{"model":{"v":1}}}""";
                }
                else
                {
                    reply = $$$"""{"result":{"by":"{{{user}}}"}}""";
                }

                await _nats.PublishAsync(request.ReplyTo!, Encoding.UTF8.GetBytes(reply));
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var subscription in _subscriptions)
            {
                await subscription.UnsubscribeAsync();
            }

            await _serving;
        }
    }
}
