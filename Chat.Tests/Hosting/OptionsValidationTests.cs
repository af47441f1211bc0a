using Chat.Actors.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Hosting;

public sealed class OptionsValidationTests
{
    private const string ValidConnection = "Host=127.0.0.1;Port=5432;Username=chat;Database=chat";

    public static TheoryData<string, string?, string> BadSettings() => new()
    {
        { "ConnectionStrings:Chat", null, "ConnectionStrings:Chat is required" },
        { "ConnectionStrings:Chat", "this is = not ; a = valid;; connection string", "ConnectionStrings:Chat is not a valid" },
        { "Chat:Rooms:GracePeriod", "00:00:20", "Chat:Rooms:GracePeriod" },
        { "Chat:Rooms:HeartbeatTimeout", "00:00:05", "Chat:Rooms:HeartbeatTimeout" },
        { "Chat:Rooms:PassivateIdleAfter", "00:00:10", "Chat:Rooms:PassivateIdleAfter" },
        { "Chat:Rooms:WindowSize", "0", "Chat:Rooms:WindowSize" },
        { "Chat:Rooms:DedupeWindow", "10", "Chat:Rooms:DedupeWindow" },
        { "Chat:Rooms:MaxParticipants", "0", "Chat:Rooms:MaxParticipants" },
        { "Chat:Rooms:RatePerSecond", "0", "Chat:Rooms:RatePerSecond" },
        { "Chat:Rooms:RateBurst", "0", "Chat:Rooms:RateBurst" },
        { "Chat:Rooms:ConnectionRatePerSecond", "0", "Chat:Rooms:ConnectionRatePerSecond" },
        { "Chat:Rooms:ConnectionRateBurst", "0", "Chat:Rooms:ConnectionRateBurst" },
        { "Chat:Rooms:RoomRatePerSecond", "-1", "Chat:Rooms:RoomRatePerSecond" },
        { "Chat:Rooms:RoomRateBurst", "0", "Chat:Rooms:RoomRateBurst" },
        { "Chat:Rooms:RoomBytesPerSecond", "0", "Chat:Rooms:RoomBytesPerSecond" },
        { "Chat:Rooms:RoomBytesBurst", "65535", "Chat:Rooms:RoomBytesBurst (at least Chat:Rooms:MaxMessageBytes)" },
        { "Chat:Rooms:MaxMessageBytes", "8", "Chat:Rooms:MaxMessageBytes" },
        { "Chat:Rooms:MaxResponseBytes", "65535", "Chat:Rooms:MaxResponseBytes" },
        { "Chat:Rooms:MaxResponseBytes", "786433", "Chat:Rooms:MaxResponseBytes" },
        { "Chat:Rooms:MaxResponseBytes", "300000", "Chat:Rooms:MaxResponseBytes (300000) must hold 4 messages of Chat:Rooms:MaxMessageBytes" },
        { "Chat:Rooms:MaxMessageBytes", "131072", "must hold 4 messages of Chat:Rooms:MaxMessageBytes (131072 bytes" },
        { "Chat:Rooms:MaxParticipants", "400", "Chat:Rooms:MaxParticipants (400) with profiles of Chat:Rooms:MaxProfileBytes" },
        { "Chat:Rooms:MaxProfileBytes", "4096", "Chat:Rooms:MaxParticipants (256) with profiles of Chat:Rooms:MaxProfileBytes (4096)" },
        { "Chat:Cluster:Port", "70000", "Chat:Cluster:Port" },
        { "Chat:Cluster:SeedNodes:0", "http://nope", "Chat:Cluster:SeedNodes:0" },
        { "Chat:Cluster:SeedNodes:0", "akka.tcp://other@127.0.0.1:4053", "Chat:Cluster:SeedNodes:0" },
        { "Chat:Cluster:SplitBrainResolver:Strategy", "keep-everyone", "Chat:Cluster:SplitBrainResolver:Strategy" },
        { "Chat:Cluster:SplitBrainResolver:StableAfter", "00:00:00", "Chat:Cluster:SplitBrainResolver:StableAfter" },
        { "Chat:Cluster:SplitBrainResolver:StableAfter", "-00:00:05", "Chat:Cluster:SplitBrainResolver:StableAfter" },
        { "Chat:Cluster:SplitBrainResolver:DownRemovalMargin", "00:00:00", "Chat:Cluster:SplitBrainResolver:DownRemovalMargin" },
        { "Chat:Cluster:AcceptableHeartbeatPause", "00:00:00", "Chat:Cluster:AcceptableHeartbeatPause" },
        { "Chat:Cluster:SplitBrainResolver:Strategy", "static-quorum", "Chat:Cluster:SplitBrainResolver:QuorumSize" },
        { "Chat:Persistence:Schema", "Robert'); DROP TABLE x;--", "Chat:Persistence:Schema" },
        { "Chat:Persistence:InsertMode", "fast", "Chat:Persistence:InsertMode" },
        { "Chat:Persistence:MaxPoolSize", "0", "Chat:Persistence:MaxPoolSize" },
        { "ConnectionStrings:Chat", ValidConnection + ";Minimum Pool Size=20", "Minimum Pool Size (20) exceeds Chat:Persistence:MaxPoolSize (8)" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task NodeStart_WithBadSetting_FailsWithAMessageNamingTheKey(string key, string? value, string expected)
    {
        using var host = BuildHost(new Dictionary<string, string?> { [key] = value });

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void Defaults_WithAConnectionString_AreValid()
    {
        using var host = BuildHost([]);

        var act = () => host.Services.GetRequiredService<IOptions<Chat.Actors.Rooms.RoomOptions>>().Value;

        act.Should().NotThrow();
        host.Services.GetRequiredService<IOptions<ChatClusterOptions>>().Value.Port.Should().Be(4053);
        host.Services.GetRequiredService<IOptions<ChatPersistenceOptions>>().Value.Schema.Should().Be("akka");
        var sbr = host.Services.GetRequiredService<IOptions<ChatClusterOptions>>().Value.SplitBrainResolver;
        sbr.Strategy.Should().Be("keep-majority");
        sbr.StableAfter.Should().Be(TimeSpan.FromSeconds(2.5));
        sbr.DownRemovalMargin.Should().Be(TimeSpan.FromMilliseconds(500));
    }

    private static IHost BuildHost(Dictionary<string, string?> overrides)
    {
        var values = new Dictionary<string, string?> { ["ConnectionStrings:Chat"] = ValidConnection };
        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddChatCluster(builder.Configuration);
        return builder.Build();
    }
}
