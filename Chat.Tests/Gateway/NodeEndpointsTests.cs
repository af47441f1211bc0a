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

        JsonAssert.Equal(config, """{"gateway":"/ws","heartbeatIntervalMs":10000,"sendRetryMs":60000}""");
        health["status"]!.GetValue<string>().Should().Be("Healthy", health.ToJsonString());
        health["checks"]!.AsObject().Select(c => c.Key).Should().Contain(["postgres", "nats", "gateway"]).And.HaveCountGreaterThan(2, "Akka's own checks run too");
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

    [Fact]
    public async Task Page_IsServedWithAStrictPolicy_AndOnlyUuidV4RoomPathsExist()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var listener = await FakeGateway.ConnectAsync(nats.Url);
        await using var node = await GatewayNode.StartAsync(postgres.ConnectionString, nats.Url, listener);
        using var http = new HttpClient { BaseAddress = node.HttpUri };

        var landing = await http.GetAsync("/");
        var room = await http.GetAsync($"room/{TestPayloads.NewRoomId()}");
        var resclient = await http.GetAsync("vendor/resclient.min.js");

        landing.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        (await landing.Content.ReadAsStringAsync()).Should().Contain("Create a room").And.NotContain("<script>", "no inline script");
        var policy = string.Join(' ', landing.Headers.GetValues("Content-Security-Policy"));
        policy.Should().Contain("default-src 'none'").And.Contain("script-src 'self'").And.Contain("connect-src 'self'")
            .And.Contain("frame-ancestors 'none'").And.NotContain("unsafe");
        landing.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
        room.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        room.Headers.CacheControl!.NoStore.Should().BeTrue("the room page is never cached");
        room.Headers.GetValues("Referrer-Policy").Should().Equal("no-referrer");
        room.Headers.GetValues("X-DNS-Prefetch-Control").Should().Equal(["off"], "a link in a message must not make the browser look up its host");
        resclient.StatusCode.Should().Be(System.Net.HttpStatusCode.OK);
        (await resclient.Content.ReadAsStringAsync()).Should().Contain("resclient", "the npm package's own build is served");
        foreach (var path in new[] { "room/not-a-room", "room/6F1C8A52-3B7E-4D2A-9C41-0E5B7D9A2F13", "room/6f1c8a52-3b7e-1d2a-9c41-0e5b7d9a2f13", "room/", "nothing-here" })
        {
            (await http.GetAsync(path)).StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound, path);
        }
    }

    [Fact]
    public async Task ExternalGateway_IsTheOnlyOtherOriginThePageMayConnectTo()
    {
        await using var nats = await NatsServer.StartAsync();
        await using var listener = await FakeGateway.ConnectAsync(nats.Url);
        await using var node = await GatewayNode.StartAsync(postgres.ConnectionString, nats.Url, listener, new Dictionary<string, string?>
        {
            ["Chat:Gateway:Url"] = "wss://gateway.chat.example:8443/ws",
        });
        using var http = new HttpClient { BaseAddress = node.HttpUri };

        var policy = string.Join(' ', (await http.GetAsync("/")).Headers.GetValues("Content-Security-Policy"));

        policy.Should().Contain("connect-src 'self' wss://gateway.chat.example:8443;");
    }
}
