using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Npgsql;

namespace Chat.Tests.Hosting;

/// <summary>The failover keys (failure detector, split-brain resolver, removal margin) reach a running node's actor system.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SplitBrainResolverSettingsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task SplitBrainResolverSettings_FromConfiguration_ReachTheActorSystem()
    {
        var db = await postgres.Server.CreateDatabaseAsync("sbr");
        await using var node = await ChatNode.StartAsync(db, new Dictionary<string, string?>
        {
            ["Chat:Cluster:SplitBrainResolver:Strategy"] = "keep-oldest",
            ["Chat:Cluster:SplitBrainResolver:StableAfter"] = "00:00:04.500",
            ["Chat:Cluster:SplitBrainResolver:DownAllWhenUnstable"] = "false",
            ["Chat:Cluster:SplitBrainResolver:DownRemovalMargin"] = "00:00:02.250",
            ["Chat:Cluster:AcceptableHeartbeatPause"] = "00:00:05",
        });

        var config = node.System.Settings.Config;
        config.GetString("akka.cluster.split-brain-resolver.active-strategy").Should().Be("keep-oldest");
        config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after").Should().Be(TimeSpan.FromMilliseconds(4500));
        config.GetString("akka.cluster.split-brain-resolver.down-all-when-unstable").Should().Be("off");
        config.GetString("akka.cluster.downing-provider-class").Should().Contain("SplitBrainResolverProvider");
        config.GetTimeSpan("akka.cluster.down-removal-margin").Should().Be(TimeSpan.FromMilliseconds(2250));
        config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause").Should().Be(TimeSpan.FromSeconds(5));
        Akka.Cluster.Cluster.Get(node.System).DowningProvider.DownRemovalMargin.Should().Be(TimeSpan.FromMilliseconds(2250), "sharding and singletons wait this long");
    }

    [Fact]
    public async Task Defaults_RunKeepMajority_AfterTwoAndAHalfSecondsStable_OneSecondMargin_AndDDataStateStore()
    {
        var db = await postgres.Server.CreateDatabaseAsync("sbr");
        await using var node = await ChatNode.StartAsync(db);

        var config = node.System.Settings.Config;
        config.GetString("akka.cluster.split-brain-resolver.active-strategy").Should().Be("keep-majority");
        config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after").Should().Be(TimeSpan.FromSeconds(2.5));
        config.GetString("akka.cluster.split-brain-resolver.down-all-when-unstable").Should().Be("on");
        config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause").Should().Be(TimeSpan.FromSeconds(1.5));
        config.GetTimeSpan("akka.cluster.leader-actions-interval").Should().Be(TimeSpan.FromMilliseconds(250));
        config.GetTimeSpan("akka.cluster.gossip-interval").Should().Be(TimeSpan.FromMilliseconds(250), "a removal reaches the other nodes' shard regions within a quarter second");
        Akka.Cluster.Sharding.ClusterShardingSettings.Create(node.System).TuningParameters.RetryInterval
            .Should().Be(TimeSpan.FromMilliseconds(200), "requests buffered for a dead node's shard wait for the region's next ask once the removal margin has passed");
        Akka.Cluster.Sharding.ClusterShardingSettings.Create(node.System).TuningParameters.UpdatingStateTimeout
            .Should().Be(TimeSpan.FromSeconds(1), "a coordinator write that a stopping node never acknowledges holds every shard's home request this long");

        // Not StableAfter again, Akka's choice when the margin is unset: that doubled the failover time.
        Akka.Cluster.Cluster.Get(node.System).DowningProvider.DownRemovalMargin.Should().Be(TimeSpan.FromMilliseconds(500));

        // A downed node shuts itself down (and its host with it) instead of running on outside the cluster.
        config.GetBoolean("akka.cluster.run-coordinated-shutdown-when-down").Should().BeTrue();

        // With the DData state store the shard coordinator keeps nothing in the journal: only rooms do.
        var room = TestPayloads.NewRoomId();
        await node.AskAsync<Joined>(TestPayloads.Join(room, TestPayloads.NewMemberId()));
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT DISTINCT persistence_id FROM akka.journal", connection);
        var ids = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetString(0));
            }
        }

        ids.Should().Equal(RoomIds.PersistencePrefix + room);
    }
}
