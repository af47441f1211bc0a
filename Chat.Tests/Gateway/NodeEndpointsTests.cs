using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;
using Chat.Tests.Res;

namespace Chat.Tests.Gateway;

/// <summary>The node's HTTP side: health, and the client configuration with or without an external gateway.</summary>
[Collection(PostgresCollection.Name)]
public sealed class NodeEndpointsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task EmbeddedGateway_IsAnnouncedAsWs_AndTheNodeIsHealthy()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var listener = await FakeGateway.ConnectAsync(nats.Url);
        await using var node = await GatewayNode.StartAsync(postgres.ConnectionString, nats.Url, listener);
        using var http = new HttpClient { BaseAddress = node.HttpUri };

        var config = await http.GetFromJsonAsync<JsonObject>("chat-config.json");
        // Health turns green once the cluster is up and both connections are open; wait for it, bounded.
        await ReadModelTables.WaitUntilAsync(async () => (await http.GetAsync("health")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "the node is healthy");
        var health = JsonNode.Parse(await http.GetStringAsync("health"))!;
        var alive = JsonNode.Parse(await http.GetStringAsync("alive"))!;

        JsonAssert.Equal(config, """{"gateway":"/ws","heartbeatIntervalMs":10000}""");
        health["status"]!.GetValue<string>().Should().Be("Healthy", health.ToJsonString());
        health["checks"]!.AsObject().Select(c => c.Key).Should().Contain(["postgres", "nats"]).And.HaveCountGreaterThan(2, "Akka's own checks run too");
        alive["status"]!.GetValue<string>().Should().Be("Healthy");
        alive["checks"]!.AsObject().Select(c => c.Key).Should().NotBeEmpty().And.NotContain(["postgres", "nats"]);
    }

    [Fact]
    public async Task ExternalGateway_IsAnnounced_AndTheNodeServesNoWebSocket()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var listener = await FakeGateway.ConnectAsync(nats.Url);
        await using var node = await GatewayNode.StartAsync(postgres.ConnectionString, nats.Url, listener, new Dictionary<string, string?>
        {
            ["Chat:Gateway:Url"] = "wss://chat.example/ws",
        });
        using var http = new HttpClient { BaseAddress = node.HttpUri };

        var config = await http.GetFromJsonAsync<JsonObject>("chat-config.json");
        var ws = await http.GetAsync("ws");

        config!["gateway"]!.GetValue<string>().Should().Be("wss://chat.example/ws");
        ws.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
    }
}
