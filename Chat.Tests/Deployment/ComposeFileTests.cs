using System.Text.Json.Nodes;
using Chat.Actors.Hosting;
using Chat.Actors.Rooms;
using Chat.Gateway;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Chat.Tests.Deployment;

/// <summary>
/// The repository's docker-compose.yml as <c>docker-compose config</c> (Debian's docker-compose 1.29)
/// resolves it; no Docker engine is needed. Checks the shape the README promises and that the nodes'
/// settings are keys the node binds, at the values the tests and the defaults use.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly string[] ChatNodes = ["chat-node-1", "chat-node-2", "chat-node-3"];
    private static readonly string[] Infrastructure = ["postgres", "nats"];
    private static readonly Lazy<Task<JsonNode>> Resolved = new(ResolveAsync);

    private static string ComposeFile => Path.Combine(RepositoryRoot.Path, "docker-compose.yml");

    [Fact]
    public async Task ComposeFile_DefinesPostgresNatsResgateAndThreeChatNodes_OnPinnedImages()
    {
        var services = (await Resolved.Value)["services"]!.AsObject();

        services.Select(s => s.Key).Should().BeEquivalentTo(["postgres", "nats", "resgate", .. ChatNodes]);
        Image(services, "postgres").Should().MatchRegex(@"^postgres:\d+$", "the official image, pinned to a major version");
        Image(services, "nats").Should().MatchRegex(@"^nats:\d+\.\d+(-alpine)?$", "the official image, pinned");
        Image(services, "resgate").Should().MatchRegex(@"^resgateio/resgate:\d+\.\d+\.\d+$", "a pinned Resgate version");
        services["resgate"]!["volumes"]!.AsArray().Select(v => v!.ToJsonString())
            .Should().Contain(v => v.Contains("resgate.json", StringComparison.Ordinal), "Resgate runs with the repository's resgate.json");
        foreach (var node in ChatNodes)
        {
            services[node]!["build"]!["args"]!["DOTNET_REGISTRY"].Should().NotBeNull("the .NET base images' registry is passed to the Dockerfile");
        }

        // Docker Hub short names only: an image name whose first part has a dot or a colon names a registry host.
        foreach (var image in services.Select(s => s.Value!["image"]?.GetValue<string>()).OfType<string>())
        {
            var first = image.Split('/')[0];
            (image.Contains('/', StringComparison.Ordinal) && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal)))
                .Should().BeFalse($"{image} must not name a registry host");
        }
    }

    [Fact]
    public async Task ChatNodes_ShareTheSeedNodes_AndEachAdvertisesItsOwnHostname()
    {
        var services = (await Resolved.Value)["services"]!.AsObject();
        var seeds = ChatNodes.Select(n => Environment(services, n).Where(e => e.Key.StartsWith("Chat__Cluster__SeedNodes__", StringComparison.Ordinal)).OrderBy(e => e.Key).Select(e => e.Value).ToList()).ToList();

        seeds.Should().AllSatisfy(s => s.Should().Equal(seeds[0], "every node lists the same seeds in the same order"));
        foreach (var node in ChatNodes)
        {
            var env = Environment(services, node);
            env["Chat__Cluster__Hostname"].Should().Be("0.0.0.0");
            env["Chat__Cluster__PublicHostname"].Should().Be(node);
            services[node]!["hostname"]!.GetValue<string>().Should().Be(node);
            seeds[0].Should().Contain($"akka.tcp://{ChatClusterOptions.SystemName}@{node}:{env["Chat__Cluster__Port"]}");
            env["Chat__Gateway__Url"].Should().StartWith("ws", "pages reach Resgate, not the embedded gateway");
        }
    }

    [Fact]
    public async Task PostgresNatsAndChatNodes_HaveHealthChecks_NodesOnHealth()
    {
        var services = (await Resolved.Value)["services"]!.AsObject();

        foreach (var name in Infrastructure.Concat(ChatNodes))
        {
            services[name]!["healthcheck"]?["test"].Should().NotBeNull($"{name} has a health check");
        }

        foreach (var node in ChatNodes)
        {
            services[node]!["healthcheck"]!["test"]!.ToJsonString().Should().Contain("/health");
            services[node]!["depends_on"]!["postgres"]!["condition"]!.GetValue<string>().Should().Be("service_healthy");
        }
    }

    [Fact]
    public async Task ChatNodes_SetOnlyKeysTheNodeBinds_AtTheNodesDefaults()
    {
        var services = (await Resolved.Value)["services"]!.AsObject();

        foreach (var node in ChatNodes)
        {
            var env = Environment(services, node);
            env.Keys.Where(k => !NodeConfigurationKeys.IsBound(k)).Should().BeEmpty($"every setting of {node} is a key the node binds");

            // Timing settings stay what the tests exercise at scale: the node's own defaults.
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(env.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)))
                .Build();
            configuration.GetSection(RoomOptions.Section).Get<RoomOptions>().Should().BeEquivalentTo(new RoomOptions());
            configuration.GetSection(ChatClusterOptions.Section).Get<ChatClusterOptions>()!.SplitBrainResolver
                .Should().BeEquivalentTo(new SplitBrainResolverOptions());
        }
    }

    [Theory]
    [InlineData("Chat__Rooms__GracePeriod", true)]
    [InlineData("Chat__Cluster__SeedNodes__2", true)]
    [InlineData("Chat__Cluster__SplitBrainResolver__StableAfter", true)]
    [InlineData("ConnectionStrings__Chat", true)]
    [InlineData("Chat__Rooms__GracePeriode", false)]
    [InlineData("Chat__Cluster__SeedNodes", false)]
    [InlineData("Chat__Cluster__StableAfter", false)]
    [InlineData("Chat__Gateway__IsEmbedded", false)]
    public void NodeConfigurationKeys_KnowWhatTheNodeBinds(string key, bool bound) =>
        NodeConfigurationKeys.IsBound(key).Should().Be(bound);

    [Fact]
    public async Task ComposeFile_WithoutDotnetRegistry_FailsNamingTheVariable()
    {
        var run = () => ExternalProcess.RunAsync("env", ["-u", "DOTNET_REGISTRY", "docker-compose", "-f", ComposeFile, "config", "-q"], TimeSpan.FromMinutes(1));

        (await run.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("DOTNET_REGISTRY");
    }

    [Fact]
    public void ResgateConfig_UsesTheComposeNats_AndTheGatewaysRequestTimeout()
    {
        var resgate = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "resgate.json")))!;

        resgate["natsUrl"]!.GetValue<string>().Should().Be("nats://nats:4222");
        resgate["requestTimeout"]!.GetValue<int>().Should().Be((int)new GatewayOptions().RequestTimeout.TotalMilliseconds, "pages see the same timeout from Resgate as from the embedded gateway");
        resgate["allowOrigin"]!.GetValue<string>().Split(';').Should().Contain(["http://localhost:8081", "http://localhost:8082", "http://localhost:8083"]);
    }

    private static string Image(JsonObject services, string name) => services[name]!["image"]!.GetValue<string>();

    private static Dictionary<string, string> Environment(JsonObject services, string name) =>
        services[name]!["environment"]!.AsObject().ToDictionary(e => e.Key, e => e.Value!.ToString());

    /// <summary><c>docker-compose config</c> with a placeholder registry, read as JSON (through python3-yaml, which docker-compose itself uses).</summary>
    private static async Task<JsonNode> ResolveAsync()
    {
        var json = Path.GetTempFileName();
        try
        {
            const string Script = """
                set -euo pipefail
                docker-compose -f "$0" config | python3 -c 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), open(sys.argv[1], "w"))' "$1"
                """;
            await ExternalProcess.RunAsync("env", ["DOTNET_REGISTRY=placeholder.invalid", "bash", "-c", Script, ComposeFile, json], TimeSpan.FromMinutes(1));
            return JsonNode.Parse(await File.ReadAllTextAsync(json))!;
        }
        finally
        {
            File.Delete(json);
        }
    }
}
