using System.Text.Json.Nodes;
using Chat.Client.Envelope;
using Chat.Tests.Envelope;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Browser;

/// <summary>
/// The page's envelope and capability and the C# ones are the same: both produce the fixed vectors, the page reads what
/// C# wrote (including older history it loads on demand), and C# reads what the page wrote.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BrowserEnvelopeInteropTests(PostgresFixture postgres, ITestOutputHelper output) : GatewaySpec(postgres)
{
    private const int WindowSize = 10;

    // The rooms' and the capability's error codes and the gateway's limit, each of which the page must put in words.
    private static readonly string[] ErrorCodes =
    [
        "system.notFound", "system.methodNotFound", "system.invalidParams", "system.internalError", "system.timeout",
        "system.accessDenied", "room.wrongKey", "room.tooManyRooms",
        "room.closed", "room.notJoined", "room.full", "room.rateLimited", "room.unavailable", "gateway.limitExceeded",
    ];

    protected override Dictionary<string, string?> Settings => new() { ["Chat:Rooms:WindowSize"] = WindowSize.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    [Fact]
    public async Task PageAndCSharp_ProduceTheVectors_AndReadEachOthersMessages()
    {
        var roomId = TestPayloads.NewRoomId();
        var secret = TestPayloads.SecretOf(roomId);
        var keys = RoomKeys.Derive(secret, roomId);
        var botKey = TestPayloads.NewMemberKey();
        var bot = TestPayloads.MemberIdOf(botKey);
        var botNick = $"CSharp-{bot[^6..]}";
        await Call(roomId, "join", new JsonObject { ["memberKey"] = botKey, ["profile"] = Box(keys.SealProfile(bot, botNick)) });
        var botTexts = Enumerable.Range(1, WindowSize + 5).Select(i => $"from C# #{i} 🦀 \"quoted\"").ToArray();
        foreach (var text in botTexts)
        {
            var id = Guid.NewGuid().ToString();
            var box = keys.SealMessage(id, new MessageBody(bot, botNick, text, MessageBody.FormatTime(DateTimeOffset.UtcNow)));
            await Call($"{roomId}.messages", "send", new JsonObject { ["id"] = id, ["ciphertext"] = box.Ciphertext, ["nonce"] = box.Nonce, ["memberKey"] = botKey });
        }

        var vectors = EnvelopeVectors.Load();
        var pageText = $"from the page ✓ {bot[^6..]}";
        var result = await BrowserDriver.RunAsync("interop", new JsonObject
        {
            ["baseUrl"] = Node.HttpUri.ToString(),
            ["link"] = $"{Node.HttpUri}room/{roomId}#{secret}",
            ["vectors"] = JsonNode.Parse(await File.ReadAllTextAsync(EnvelopeVectors.FilePath)),
            ["capabilityVectors"] = JsonNode.Parse(await File.ReadAllTextAsync(CapabilityVectors.FilePath)),
            ["signatureVectors"] = JsonNode.Parse(await File.ReadAllTextAsync(SignatureVectors.FilePath)),
            ["pageNick"] = "Page",
            ["botNick"] = botNick,
            ["botTexts"] = new JsonArray([.. botTexts.Select(t => JsonValue.Create(t))]),
            ["pageText"] = pageText,
            ["errorCodes"] = new JsonArray([.. ErrorCodes.Select(c => JsonValue.Create(c))]),
        }, output.WriteLine, TimeSpan.FromMinutes(2));

        var pageMessages = result["vectors"]!["messages"]!.AsArray();
        for (var i = 0; i < vectors.Messages.Count; i++)
        {
            pageMessages[i]!["ciphertext"]!.GetValue<string>().Should().Be(vectors.Messages[i].Ciphertext, $"the page seals vector message {i} byte for byte");
            pageMessages[i]!["opened"]!["text"]!.GetValue<string>().Should().Be(vectors.Messages[i].Body.Text);
        }

        var pageProfiles = result["vectors"]!["profiles"]!.AsArray();
        for (var i = 0; i < vectors.Profiles.Count; i++)
        {
            pageProfiles[i]!["ciphertext"]!.GetValue<string>().Should().Be(vectors.Profiles[i].Ciphertext, $"the page seals vector profile {i} byte for byte");
            pageProfiles[i]!["opened"]!.GetValue<string>().Should().Be(vectors.Profiles[i].Nick);
        }

        CheckSignatures(result["signatures"]!);

        var capability = CapabilityVectors.Load();
        var pageRooms = result["capability"]!["rooms"]!.AsArray();
        pageRooms.Should().HaveCount(capability.Rooms.Count);
        for (var i = 0; i < capability.Rooms.Count; i++)
        {
            var room = pageRooms[i]!;
            var vector = capability.Rooms[i];
            room["access"]!.GetValue<string>().Should().Be(vector.Access, $"the page derives vector {i}'s access token byte for byte");
            room["proof"]!.GetValue<string>().Should().Be(vector.Proof);
            room["roomId"]!.GetValue<string>().Should().Be(vector.RoomId);
            room["fromSecret"]!.GetValue<string>().Should().Be(vector.RoomId);
            room["matches"]!.GetValue<bool>().Should().BeTrue($"vector {i}'s link matches in the page");
            room["tamperedIdMatches"]!.GetValue<bool>().Should().BeFalse("a changed id does not match");
            room["otherSecretMatches"]!.GetValue<bool>().Should().BeFalse("another secret does not match");
        }

        var pageMembers = result["capability"]!["members"]!.AsArray();
        pageMembers.Select(m => m!["memberId"]!.GetValue<string>()).Should().Equal(capability.Members.Select(m => m.MemberId), "the page derives the member ids byte for byte");
        result["capability"]!["newMemberKeyLength"]!.GetValue<int>().Should().Be(MemberKey.Length);
        result["capability"]!["newMemberId"]!.GetValue<string>().Should().MatchRegex("^[A-Za-z0-9_-]{22}$");

        var errorTexts = result["errorTexts"]!.AsObject().ToDictionary(e => e.Key, e => e.Value!.GetValue<string>());
        errorTexts.Should().HaveCount(ErrorCodes.Length);
        errorTexts.Values.Should().OnlyHaveUniqueItems("every error code has words of its own")
            .And.NotContain(t => t.Contains("Something went wrong (", StringComparison.Ordinal), "none falls through to the generic text");

        Strings(result["windowShown"]).Should().Equal(botTexts[^WindowSize..], "the page first shows the room's window");
        Strings(result["shown"]).Should().Equal([.. botTexts, pageText], "then loads the older ones on demand and decrypts what C# wrote");

        var history = await Call($"{roomId}.messages", "history", new JsonObject { ["before"] = 1000, ["limit"] = 200 });
        var written = history!["result"]!["messages"]!.AsArray().Select(m => keys.OpenMessage(
            m!["id"]!.GetValue<string>(), new SealedBox(m["ciphertext"]!.GetValue<string>(), m["nonce"]!.GetValue<string>()))).ToList();
        written.Should().NotContainNulls("C# opens every message, the page's included");
        written.Select(m => m!.Text).Should().Equal([.. botTexts, pageText]);
        written[^1]!.Nick.Should().Be("Page");

        // The server stamps each message with the member it authenticated: the one inside the body, for both writers.
        var stamps = history["result"]!["messages"]!.AsArray().Select(m => m!["member"]!.GetValue<string>()).ToList();
        stamps[..^1].Should().AllBe(bot);
        stamps[^1].Should().Be(written[^1]!.Member, "the page's message carries the member id its key derives");
    }

    // The page reads what C# signed as C# does, and C# verifies what the page signed.
    private static void CheckSignatures(JsonNode page)
    {
        var vectors = SignatureVectors.Load();
        Strings(page["fingerprints"]).Should().Equal(vectors.Signers.Select(s => s.Fingerprint), "the page computes each fingerprint digit for digit");
        for (var i = 0; i < vectors.Profiles.Count; i++)
        {
            page["profiles"]![i]!["ciphertext"]!.GetValue<string>().Should().Be(vectors.Profiles[i].Ciphertext, $"the page seals signature profile {i} byte for byte");
            page["profiles"]![i]!["opened"]!["signingKey"]?.GetValue<string>().Should().Be(vectors.Profiles[i].SigningKey);
        }

        for (var i = 0; i < vectors.Messages.Count; i++)
        {
            var shown = page["messages"]![i]!;
            shown["ciphertext"]!.GetValue<string>().Should().Be(vectors.Messages[i].Ciphertext, $"the page seals signed message {i} byte for byte");
            shown["opened"]!["text"]!.GetValue<string>().Should().Be(vectors.Messages[i].Body.Text);
            shown["trust"]!.GetValue<string>().Should().Be(vectors.Messages[i].Expected, $"the page trusts message {i} as C# does");
        }

        var signed = page["pageSigned"]!;
        MemberPublicKey.TryParse(signed["publicKey"]!.GetValue<string>(), out var key).Should().BeTrue("the page exports its public key in the profile's form");
        key.Fingerprint.Should().Be(signed["fingerprint"]!.GetValue<string>());
        var body = signed["body"]!;
        var message = new MessageBody(body["member"]!.GetValue<string>(), body["nick"]!.GetValue<string>(), body["text"]!.GetValue<string>(), body["sentAt"]!.GetValue<string>())
        {
            Version = 2,
            Counter = body["counter"]!.GetValue<long>(),
            Signature = body["sig"]!.GetValue<string>(),
        };
        MessageSignature.Verifies(key, vectors.RoomId, signed["id"]!.GetValue<string>(), message).Should().BeTrue("C# verifies what the page signed");
        MessageSignature.Verifies(key, vectors.RoomId, "another-id", message).Should().BeFalse();
        page["privateKeyExported"]!.GetValue<bool>().Should().BeFalse("the page's private signing key cannot leave WebCrypto");
    }

    // Straight on NATS, as the gateway would send it for a connection that unlocked this room.
    private async Task<JsonNode?> Call(string resource, string method, JsonObject parameters)
    {
        var reply = await Listener.RequestJsonAsync($"call.room.{resource}.{method}", new JsonObject
        {
            ["cid"] = "csharp",
            ["token"] = new JsonObject { ["rooms"] = new JsonArray(resource.Split('.')[0]) },
            ["params"] = parameters,
        }.ToJsonString());
        reply!["error"].Should().BeNull($"{method} succeeds: {reply.ToJsonString()}");
        return reply;
    }

    private static JsonObject Box(SealedBox box) => new() { ["ciphertext"] = box.Ciphertext, ["nonce"] = box.Nonce };

    private static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];
}
