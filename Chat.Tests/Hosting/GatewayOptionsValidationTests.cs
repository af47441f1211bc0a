using Chat.Gateway;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Hosting;

public sealed class GatewayOptionsValidationTests
{
    public static TheoryData<string, string, string> BadSettings() => new()
    {
        { "Chat:Gateway:MaxFrameBytes", "600000", "Chat:Gateway:MaxFrameBytes must be between 1024 and 524288" },
        { "Chat:Gateway:SendQueueBytes", "1000", "Chat:Gateway:SendQueueBytes" },
        { "Chat:Gateway:MaxRequestsInFlight", "0", "Chat:Gateway:MaxRequestsInFlight" },
        { "Chat:Gateway:MaxSubscriptions", "0", "Chat:Gateway:MaxSubscriptions" },
        { "Chat:Gateway:RequestsPerSecond", "0", "Chat:Gateway:RequestsPerSecond" },
        { "Chat:Gateway:RequestBurst", "0", "Chat:Gateway:RequestBurst" },
        { "Chat:Gateway:MaxConnections", "0", "Chat:Gateway:MaxConnections" },
        { "Chat:Gateway:IdleTimeout", "00:00:00", "Chat:Gateway:IdleTimeout" },
        { "Chat:Gateway:AllowedOrigins:0", "chat.example", "Chat:Gateway:AllowedOrigins:0 'chat.example'" },
        { "Chat:Gateway:AllowedOrigins:0", "https://chat.example/room", "Chat:Gateway:AllowedOrigins:0" },
        { "Chat:Gateway:AllowedOrigins:0", "ftp://chat.example", "Chat:Gateway:AllowedOrigins:0" },
        { "Nats:Url", "not a url", "Nats:Url" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task GatewayStart_WithBadSetting_FailsWithAMessageNamingTheKey(string key, string value, string expected)
    {
        using var host = BuildHost(new Dictionary<string, string?> { [key] = value });

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void Defaults_AreValid_AndOriginsMayBeListed()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["Chat:Gateway:AllowedOrigins:0"] = "https://chat.example",
            ["Chat:Gateway:AllowedOrigins:1"] = "http://127.0.0.1:8080",
        });

        var options = host.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;

        options.AllowedOrigins.Should().Equal("https://chat.example", "http://127.0.0.1:8080");
        options.MaxRequestsInFlight.Should().Be(32);
    }

    [Theory]
    [InlineData(null, "chat.example", true)]
    [InlineData("https://chat.example", "chat.example", true)]
    [InlineData("https://chat.example", "chat.example:443", true)]
    [InlineData("http://127.0.0.1:8080", "127.0.0.1:8080", true)]
    [InlineData("HTTP://Chat.Example", "chat.example", true)]
    [InlineData("https://evil.example", "chat.example", false)]
    [InlineData("https://chat.example.evil.example", "chat.example", false)]
    [InlineData("http://127.0.0.1:8081", "127.0.0.1:8080", false)]
    [InlineData("null", "chat.example", false)]
    [InlineData("", "chat.example", false)]
    public void OwnOriginOnly_ByDefault(string? origin, string host, bool allowed) =>
        new OriginPolicy([]).Allows(origin, host).Should().Be(allowed);

    [Fact]
    public void ListedOrigins_ReplaceTheOwnOrigin()
    {
        var policy = new OriginPolicy(["https://chat.example"]);

        policy.Allows("https://chat.example", "node-1:8080").Should().BeTrue();
        policy.Allows("http://node-1:8080", "node-1:8080").Should().BeFalse();
    }

    private static IHost BuildHost(Dictionary<string, string?> values)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddLogging();
        builder.Services.AddChatGateway(builder.Configuration);
        return builder.Build();
    }
}
