using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Npgsql;

namespace Chat.Tests.Hosting;

/// <summary>The split-brain resolver keys reach a running node's actor system.</summary>
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
        });

        var config = node.System.Settings.Config;
        config.GetString("akka.cluster.split-brain-resolver.active-strategy").Should().Be("keep-oldest");
        config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after").Should().Be(TimeSpan.FromMilliseconds(4500));
        config.GetString("akka.cluster.split-brain-resolver.down-all-when-unstable").Should().Be("off");
        config.GetString("akka.cluster.downing-provider-class").Should().Contain("SplitBrainResolverProvider");
    }

    [Fact]
    public async Task Defaults_RunKeepMajority_AfterTwentySecondsStable_AndDDataStateStore()
    {
        var db = await postgres.Server.CreateDatabaseAsync("sbr");
        await using var node = await ChatNode.StartAsync(db);

        var config = node.System.Settings.Config;
        config.GetString("akka.cluster.split-brain-resolver.active-strategy").Should().Be("keep-majority");
        config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after").Should().Be(TimeSpan.FromSeconds(20));
        config.GetString("akka.cluster.split-brain-resolver.down-all-when-unstable").Should().Be("on");

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
