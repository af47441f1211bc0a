using Chat.Actors.Persistence;
using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Npgsql;

namespace Chat.Tests.Rooms;

/// <summary>A node's pools name their PostgreSQL sessions, so an operator sees which pool a server process serves.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ConnectionNamesTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ANodesJournalAndProjection_NameTheirSessions()
    {
        var db = await postgres.Server.CreateDatabaseAsync("names");
        await using var node = await ChatNode.StartAsync(db);
        var (room, member) = (TestPayloads.NewRoomId(), TestPayloads.NewMemberId());
        await node.AskAsync<Joined>(TestPayloads.Join(room, member));
        await node.AskAsync<MessageAccepted>(TestPayloads.Send(room, member));

        // The projection reads the journal every refresh interval; the journal's pool keeps its connections open.
        await ReadModelTables.WaitUntilAsync(
            async () => (await NamesAsync(db)).IsSupersetOf([ConnectionNames.Journal, ConnectionNames.Projection]), TimeSpan.FromSeconds(30), "the journal's and the projection's sessions named");
    }

    [Fact]
    public void AConnectionStringThatNamesItsSessions_KeepsItsName()
    {
        var named = ConnectionNames.Apply("Host=db;Application Name=ops-dashboard", ConnectionNames.Projection);

        new NpgsqlConnectionStringBuilder(named).ApplicationName.Should().Be("ops-dashboard");
        new NpgsqlConnectionStringBuilder(ConnectionNames.Apply("Host=db", ConnectionNames.Projection)).ApplicationName.Should().Be(ConnectionNames.Projection);
    }

    private static async Task<HashSet<string>> NamesAsync(string db)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = current_database()", connection);
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
