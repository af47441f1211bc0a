using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Chat.Tests.Browser;

/// <summary>
/// The page while its room waits for the database: a message being sent waits below the conversation
/// under "Reconnecting…" instead of failing, and goes out by itself when the room is back.
/// PostgreSQL is really stopped for 10 s under a node with the embedded gateway and two real browsers.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BrowserReconnectingTests(PostgresFixture postgres, ITestOutputHelper output) : GatewaySpec(postgres)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);

    private string _database = null!;

    /// <summary>
    /// The test crashes PostgreSQL, so its database commits durably: with the test server's asynchronous
    /// commits the message acknowledged just before the crash was lost now and then, and the room gave
    /// A's next message its seq, which the pages already showed (docs/rooms.md).
    /// </summary>
    protected override async Task<string> DatabaseAsync() => _database = await Postgres.Server.CreateCrashSafeDatabaseAsync("reconnecting");

    [Fact]
    public async Task RoomWaitingForItsDatabase_ShowsReconnecting_KeepsTheText_AndSendsItWhenTheRoomIsBack()
    {
        Postgres.Server.CanRestart.Should().BeTrue("the test stops and starts the PostgreSQL it runs");
        var tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();
        var texts = new { Before = $"before the outage {tag}", During = $"written while the database was away {tag}" };
        var signals = Directory.CreateTempSubdirectory("chat-signals-");
        await using var nats = await NatsCapture.StartAsync(Nats.Url);
        try
        {
            var run = BrowserDriver.RunAsync("databaseOutage", new JsonObject
            {
                ["baseUrl"] = Node.HttpUri.ToString(),
                ["signals"] = signals.FullName,
                ["nickA"] = $"Ada-{tag}",
                ["nickB"] = $"Bob-{tag}",
                ["before"] = texts.Before,
                ["during"] = texts.During,
            }, output.WriteLine, TimeSpan.FromMinutes(3));

            await BrowserSignals.WaitAsync(signals, "talking", run);
            await Postgres.Server.StopImmediatelyAsync();
            var stoppedAt = DateTime.UtcNow;
            try
            {
                await BrowserSignals.SendAsync(signals, "database-down");
                await BrowserSignals.WaitAsync(signals, "reconnecting", run);

                // The outage lasts as long as DatabaseOutageTests': the page must not give up meanwhile.
                var rest = Outage - (DateTime.UtcNow - stoppedAt);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest);
                }
            }
            finally
            {
                await Postgres.Server.StartAgainAsync();
            }

            JsonNode result;
            try
            {
                result = await run;
            }
            catch
            {
                // What the journal holds and what went over NATS tell a lost write from a lost event.
                await PrintJournalAsync();
                PrintTraffic(nats);
                throw;
            }

            var waiting = result["waiting"]!;
            waiting["composer"]!.GetValue<string>().Should().BeEmpty("the message moved to the outbox, so the person can write on");
            waiting["readOnly"]!.GetValue<bool>().Should().BeFalse();
            waiting["sendDisabled"]!.GetValue<bool>().Should().BeFalse();
            Outbox(waiting["outbox"]).Should().Equal([(texts.During, "waiting")], "the text is kept in sight, marked as waiting for the room");
            waiting["errorShown"]!.GetValue<bool>().Should().BeFalse("waiting for the room is not an error the person must act on");
            waiting["notice"]!.GetValue<string>().Should().StartWith("Reconnecting");

            var after = result["after"]!;
            Outbox(after["outbox"]).Should().BeEmpty("the room stored the message, so it left the outbox");
            after["errorShown"]!.GetValue<bool>().Should().BeFalse();
            Strings(after["textsA"]).Should().Equal([texts.Before, texts.During], "the message was stored once, after the other");
            Strings(after["textsB"]).Should().Equal([texts.Before, texts.During], "the other person got it live");
        }
        finally
        {
            signals.Delete(recursive: true);
        }
    }

    /// <summary>Sequence numbers and manifests only, never content.</summary>
    private async Task PrintJournalAsync()
    {
        // Pooling off: the pool still holds sessions the stopped server closed.
        var connectionString = new NpgsqlConnectionStringBuilder(_database) { Pooling = false }.ConnectionString;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT persistence_id, sequence_number, manifest FROM akka.journal ORDER BY ordering", connection);
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            output.WriteLine($"journal: {reader.GetString(0)} {reader.GetInt64(1)} {reader.GetString(2)}");
        }
    }

    /// <summary>Every subject with its time; payloads only of replies and events, whose message contents are ciphertext (requests carry proofs).</summary>
    private void PrintTraffic(NatsCapture nats)
    {
        foreach (var m in nats.Messages())
        {
            var shown = m.Subject.StartsWith("_INBOX.", StringComparison.Ordinal) || m.Subject.StartsWith("event.", StringComparison.Ordinal) || m.Subject == "system.reset";
            var body = shown ? m.Body[..Math.Min(m.Body.Length, 160)] : $"({m.Body.Length} bytes)";
            output.WriteLine($"nats: {m.At:HH:mm:ss.fff} {m.Subject} {m.ReplyTo} {body}");
        }
    }

    internal static List<(string Text, string State)> Outbox(JsonNode? array) =>
        [.. array!.AsArray().Select(n => (n!["text"]!.GetValue<string>(), n["state"]!.GetValue<string>()))];

    private static List<string> Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];
}
