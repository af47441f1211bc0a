using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Res;

/// <summary>
/// Bad requests over NATS: each gets its error code, none changes the room, none goes unanswered.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ResServiceBadInputTests(PostgresFixture postgres) : ResServiceSpec(postgres)
{
    private static readonly string Member = NewMember();

    /// <summary>(subject suffix after <c>room.{id}</c>, body, expected error code).</summary>
    public static TheoryData<string, string?, string> Cases()
    {
        var member = Member;
        var id = Guid.NewGuid().ToString();
        string Send(string parameters) => "{\"cid\":\"c1\",\"token\":null,\"params\":{" + parameters + "}}";
        string Params(string json) => "{\"params\":" + json + "}";
        var ct = B64(64);
        var n = B64(12);
        string Deep(int depth) => new string('[', depth) + new string(']', depth);
        return new TheoryData<string, string?, string>
        {
            // Bodies that are not what RES sends.
            { ".messages.send", "not json", "system.invalidParams" },
            { ".messages.send", "{\"params\":", "system.invalidParams" },
            { ".messages.send", "[1,2,3]", "system.invalidParams" },
            { ".messages.send", "\"text\"", "system.invalidParams" },
            { ".messages.send", """{"params":"send"}""", "system.invalidParams" },
            { ".messages.send", """{"params":[1]}""", "system.invalidParams" },
            { ".messages.send", Params("{\"id\":" + Deep(64) + "}"), "system.invalidParams" },
            { ".join", Params("{\"memberKey\":\"" + member + "\",\"profile\":{\"ciphertext\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":1}}}}}}}}}"), "system.invalidParams" },

            // Missing fields. A body without a token has not unlocked the room.
            { ".messages.send", null, "system.accessDenied" },
            { ".messages.send", "{}", "system.invalidParams" },
            { ".messages.send", Send($$"""  "ciphertext":"{{ct}}","nonce":"{{n}}","memberKey":"{{member}}"  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"{{id}}","nonce":"{{n}}","memberKey":"{{member}}"  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"{{ct}}","memberKey":"{{member}}"  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"{{ct}}","nonce":"{{n}}"  """), "system.invalidParams" },
            { ".join", """{"params":{}}""", "system.invalidParams" },
            { ".join", Params("{\"memberKey\":\"" + member + "\"}"), "system.invalidParams" },
            { ".heartbeat", "{}", "system.invalidParams" },
            { ".messages.history", """{"params":{"limit":10}}""", "system.invalidParams" },

            // Wrong types.
            { ".messages.send", Send($$"""  "id":42,"ciphertext":"{{ct}}","nonce":"{{n}}","memberKey":"{{member}}"  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":["{{ct}}"],"nonce":"{{n}}","memberKey":"{{member}}"  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"{{ct}}","nonce":true,"memberKey":"{{member}}"  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"{{ct}}","nonce":"{{n}}","memberKey":{"id":1}  """), "system.invalidParams" },
            { ".join", Params("{\"memberKey\":\"" + member + "\",\"profile\":\"x\"}"), "system.invalidParams" },
            { ".messages.history", """{"params":{"before":"10","limit":10}}""", "system.invalidParams" },
            { ".messages.history", """{"params":{"before":10,"limit":1.5}}""", "system.invalidParams" },

            // Bad values.
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"not base64!","nonce":"{{n}}","memberKey":"{{member}}"  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"{{ct}}","nonce":"{{B64(11)}}","memberKey":"{{member}}"  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"{{ct}}","nonce":"{{B64(13)}}","memberKey":"{{member}}"  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"{{B64((64 * 1024) + 1)}}","nonce":"{{n}}","memberKey":"{{member}}"  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"{{ct}}","nonce":"{{n}}","memberKey":"tiny"  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"{{ct}}","nonce":"{{n}}","memberKey":"has spaces in it ok"  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"{{ct}}","nonce":"{{n}}","memberKey":"{{member}}="  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"{{ct}}","nonce":"{{n}}","memberKey":"{{B64(32)}}"  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"{{ct}}","nonce":"{{n}}","memberKey":"{{member[..42]}}"  """), "system.invalidParams" },

            // A member id where the key belongs: the id is public, it proves nothing.
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"{{ct}}","nonce":"{{n}}","member":"{{IdOf(member)}}"  """), "system.invalidParams" },
            { ".leave", Params("{\"member\":\"" + IdOf(member) + "\"}"), "system.invalidParams" },
            { ".heartbeat", Params("{\"member\":\"" + IdOf(member) + "\"}"), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"not-a-uuid","ciphertext":"{{ct}}","nonce":"{{n}}","memberKey":"{{member}}"  """), "system.invalidParams" },
            { ".messages.send", Send($$"""  "id":"6ba7b810-9dad-11d1-80b4-00c04fd430c8","ciphertext":"{{ct}}","nonce":"{{n}}","memberKey":"{{member}}"  """), "system.invalidParams" },
            { ".messages.history", """{"params":{"before":10,"limit":0}}""", "system.invalidParams" },
            { ".messages.history", """{"params":{"before":10,"limit":201}}""", "system.invalidParams" },
            { ".messages.history", """{"params":{"before":0,"limit":5}}""", "system.invalidParams" },

            // Methods and resources that do not exist.
            { ".explode", "{}", "system.methodNotFound" },
            { ".messages.join", "{}", "system.methodNotFound" },
            { ".participants.send", "{}", "system.methodNotFound" },
            { ".set", """{"params":{"status":"closed"}}""", "system.methodNotFound" },
            { ".bogus.send", "{}", "system.notFound" },

            // Valid shape, but the room's rules say no.
            { ".messages.send", Send($$"""  "id":"{{id}}","ciphertext":"{{ct}}","nonce":"{{n}}","memberKey":"{{NewMember()}}"  """), "room.notJoined" },
            { ".heartbeat", Params("{\"memberKey\":\"" + NewMember() + "\"}"), "room.notJoined" },
        };
    }

    [Fact]
    public async Task EveryBadRequest_IsAnsweredWithItsCode_AndTheRoomIsUnchangedAndStillAnswers()
    {
        var room = NewRoom();
        await JoinAsync(room, Member);
        await SendAsync(room, Member);
        var before = await Snapshot(room);
        var cases = Cases().Cast<object?[]>().ToList();
        cases.Count.Should().BeGreaterThanOrEqualTo(30);

        foreach (var row in cases)
        {
            var (suffix, body, code) = ((string)row[0]!, (string?)row[1], (string)row[2]!);
            var reply = await Gateway.RequestAsync($"call.room.{room}{suffix}", AsUnlocked(body, room));
            var error = reply.Json?["error"];
            error.Should().NotBeNull($"call{suffix} with {body} must be refused, got {reply.Body}");
            error!["code"]!.GetValue<string>().Should().Be(code, $"call{suffix} with {body}");
            error["message"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        }

        (await Snapshot(room)).Should().Equal(before);
        Node.Logs.Should().NotBeEmpty();
        foreach (var row in cases.Where(r => r[1] is string { Length: > 40 }))
        {
            // Nothing of any payload reaches the logs: not the ciphertexts, not the bodies.
            var match = System.Text.RegularExpressions.Regex.Match((string)row[1]!, "\"ciphertext\":\"([^\"]{16,})\"");
            if (match.Success && match.Groups[1].Value is var payload)
            {
                Node.Logs.Should().NotContain(line => line.Contains(payload, StringComparison.Ordinal));
            }
        }

        (await SendAsync(room, Member)).Should().Be(2, "the room still answers and nothing was appended");
    }

    /// <summary>The body as Resgate sends it for a connection that unlocked the room: its token set, the rest as it is.</summary>
    private static string? AsUnlocked(string? body, string room)
    {
        JsonObject? parsed;
        try
        {
            parsed = body is null ? null : JsonNode.Parse(body) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            parsed = null;
        }

        if (parsed is null)
        {
            return body;
        }

        parsed["token"] = Token(room);
        return parsed.ToJsonString();
    }

    private async Task<List<string>> Snapshot(string room) =>
    [
        (await Gateway.RequestAsync($"get.room.{room}")).Body,
        (await Gateway.RequestAsync($"get.room.{room}.messages")).Body,
        (await Gateway.RequestAsync($"get.room.{room}.participants")).Body,
    ];
}
