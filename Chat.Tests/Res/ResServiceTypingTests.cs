using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;
using Npgsql;

namespace Chat.Tests.Res;

/// <summary>
/// <c>call.room.{id}.typing</c> over NATS as Resgate sends it: a custom event on the room's model, as the
/// RES protocol defines one (a name that is none of the reserved event names, any JSON payload, which
/// gateways forward unchanged to the resource's subscribers); never stored; one per member per second.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ResServiceTypingTests(PostgresFixture postgres) : ResServiceSpec(postgres)
{
    private readonly PostgresFixture _postgres = postgres;

    private static readonly string[] ReservedEventNames = ["change", "add", "remove", "delete", "create", "reaccess", "unsubscribe", "query"];

    private static string TypingBody(string room, string member, int bytes = 24) => CallBody(room, new JsonObject
    {
        ["memberKey"] = member,
        ["ciphertext"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)),
        ["nonce"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)),
    });

    [Fact]
    public async Task Typing_IsACustomEventOnTheRoom_WithTheSenderStampAndTheBox_AndNothingIsStored()
    {
        var room = NewRoom();
        var member = NewMember();
        await JoinAsync(room, member);
        var body = JsonNode.Parse(TypingBody(room, member))!;
        var journalBefore = await JournalRowsAsync(room);

        var reply = await Gateway.RequestJsonAsync($"call.room.{room}.typing", body.ToJsonString());
        var typing = await Gateway.NextAsync(s => s.Subject == $"event.room.{room}.typing", TimeSpan.FromSeconds(2));

        JsonAssert.Equal(reply, """{"result":null}""");
        var name = typing.Subject.Split('.')[^1];
        ReservedEventNames.Should().NotContain(name, "a custom event must not take a name the protocol reserves");
        typing.Json.Should().BeOfType<JsonObject>();
        typing.Json!["member"]!.GetValue<string>().Should().Be(IdOf(member), "the sender the service authenticated, as on messages");
        typing.Json["ciphertext"]!.GetValue<string>().Should().Be(body["params"]!["ciphertext"]!.GetValue<string>());
        typing.Json["nonce"]!.GetValue<string>().Should().Be(body["params"]!["nonce"]!.GetValue<string>());
        typing.Json.AsObject().Select(p => p.Key).Should().BeEquivalentTo(["member", "ciphertext", "nonce"], "the member key goes no further than the service");
        (await JournalRowsAsync(room)).Should().Be(journalBefore, "typing is never written anywhere");
    }

    [Fact]
    public async Task Typing_MoreThanOncePerSecond_IsRefusedWithTheWait_AndWhatIsRefusedIsNotRelayed()
    {
        var room = NewRoom();
        var member = NewMember();
        await JoinAsync(room, member);
        await Gateway.RequestJsonAsync($"call.room.{room}.typing", TypingBody(room, member));
        await Gateway.NextAsync(s => s.Subject == $"event.room.{room}.typing", TimeSpan.FromSeconds(2));

        var flood = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Gateway.RequestJsonAsync($"call.room.{room}.typing", TypingBody(room, member))));

        flood.Select(r => r!["error"]?["code"]?.GetValue<string>()).Should().AllBe("room.rateLimited");
        flood.Should().OnlyContain(r => r!["error"]!["data"]!["retryAfterMs"]!.GetValue<long>() <= 1000);

        // Refused notices reach nobody: the next typing event is the next accepted one, sent when the hint says.
        var next = JsonNode.Parse(TypingBody(room, member))!;
        for (var reply = await Gateway.RequestJsonAsync($"call.room.{room}.typing", next.ToJsonString());
             reply!["error"] is { } refusal;
             reply = await Gateway.RequestJsonAsync($"call.room.{room}.typing", next.ToJsonString()))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(refusal["data"]!["retryAfterMs"]!.GetValue<long>()));
        }

        var relayed = await Gateway.NextAsync(s => s.Subject == $"event.room.{room}.typing", TimeSpan.FromSeconds(2));
        relayed.Json!["ciphertext"]!.GetValue<string>().Should().Be(next["params"]!["ciphertext"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(513)]
    [InlineData(4096)]
    public async Task Typing_LargerThanANotice_IsRefusedAsInvalid(int bytes)
    {
        var room = NewRoom();
        var member = NewMember();
        await JoinAsync(room, member);

        var reply = await Gateway.RequestJsonAsync($"call.room.{room}.typing", TypingBody(room, member, bytes));

        reply!["error"]!["code"]!.GetValue<string>().Should().Be("system.invalidParams");
    }

    [Fact]
    public async Task Typing_FromSomeoneNotInTheRoom_IsRefused()
    {
        var room = NewRoom();
        await JoinAsync(room, NewMember());

        var reply = await Gateway.RequestJsonAsync($"call.room.{room}.typing", TypingBody(room, NewMember()));

        reply!["error"]!["code"]!.GetValue<string>().Should().Be("room.notJoined");
    }

    private async Task<long> JournalRowsAsync(string room)
    {
        await using var connection = new NpgsqlConnection(_postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM akka.journal WHERE persistence_id LIKE '%' || @room || '%'", connection);
        command.Parameters.AddWithValue("room", room);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
