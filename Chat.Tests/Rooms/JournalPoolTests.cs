using Chat.Actors.Persistence;
using Chat.Actors.Rooms;
using Chat.Tests.Infrastructure;
using Npgsql;

namespace Chat.Tests.Rooms;

/// <summary>
/// The journal, snapshot store and read journal share one small pool (<c>Chat:Persistence:MaxPoolSize</c>,
/// docs/read-model.md): many rooms recovering and sending at once never hold more connections than that.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class JournalPoolTests(PostgresFixture postgres)
{
    private const int PoolSize = 3;
    private const int Rooms = 60;

    [Fact]
    public async Task ManyRoomsRecoveringAndSendingAtOnce_HoldNoMoreJournalConnectionsThanThePool()
    {
        var db = await postgres.Server.CreateDatabaseAsync("journalpool");
        await using var node = await ChatNode.StartAsync(db, TestSettings.LoadTest(("Chat:Persistence:MaxPoolSize", PoolSize.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        using var sampling = new CancellationTokenSource();
        var sampler = MostJournalConnectionsAsync(db, sampling.Token);

        // Every room starts (a recovery each) and sends at once.
        var rooms = Enumerable.Range(0, Rooms).Select(_ => (Room: TestPayloads.NewRoomId(), Member: TestPayloads.NewMemberId())).ToList();
        await Task.WhenAll(rooms.Select(async r =>
        {
            await node.AskAsync<Joined>(TestPayloads.Join(r.Room, r.Member));
            await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => node.AskAsync<MessageAccepted>(TestPayloads.Send(r.Room, r.Member))));
        }));
        await sampling.CancelAsync();
        var most = await sampler;

        most.Should().BeGreaterThan(0, "the journal's connections are named and were seen");
        most.Should().BeLessThanOrEqualTo(PoolSize, "the journal never holds more connections than its pool");
    }

    /// <summary>Counts in this test's database only: the server also holds other tests' nodes' idle pools.</summary>
    private static async Task<int> MostJournalConnectionsAsync(string db, CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = @name AND datname = current_database()", connection);
        command.Parameters.AddWithValue("name", ConnectionNames.Journal);
        var most = 0;
        while (!stop.IsCancellationRequested)
        {
            most = Math.Max(most, (int)(long)(await command.ExecuteScalarAsync(CancellationToken.None))!);
            await Task.Delay(10, CancellationToken.None);
        }

        most = Math.Max(most, (int)(long)(await command.ExecuteScalarAsync(CancellationToken.None))!);
        return most;
    }
}
