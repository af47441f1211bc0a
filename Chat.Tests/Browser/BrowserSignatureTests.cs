using System.Text;
using System.Text.Json.Nodes;
using Chat.Client.Envelope;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Browser;

/// <summary>
/// Member signatures between two browsers (docs/signatures.md): each other's messages verify and the compare view shows
/// the same fingerprints on both sides; a tab with a new key is announced and its fingerprint changes; a link holder
/// writing under Ada's name is shown as not verified; a message replayed under a new seq is dropped; a seq the server
/// withholds is said to be missing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BrowserSignatureTests(PostgresFixture postgres, ITestOutputHelper output) : GatewaySpec(postgres)
{
    private const string Forged = "a message Ada never wrote";
    private const string Injected = "a message the server put two places further";

    [Fact]
    public async Task MessagesVerify_KeysCompare_AndForgeriesReplaysAndGapsAreShown()
    {
        var signals = Directory.CreateTempSubdirectory("chat-signals-");
        var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        try
        {
            var run = BrowserDriver.RunAsync("signatures", new JsonObject
            {
                ["baseUrl"] = Node.HttpUri.ToString(),
                ["signals"] = signals.FullName,
                ["screenshots"] = screenshots,
                ["nickA"] = "Ada",
                ["nickB"] = "Bob",
                ["before"] = "hello, signed",
                ["after"] = "hello again, with my new key",
                ["forged"] = Forged,
                ["injected"] = Injected,
            }, output.WriteLine, TimeSpan.FromMinutes(3));

            var talking = JsonNode.Parse(await BrowserSignals.WaitAsync(signals, "talking", run))!;
            var withheldSeq = await AttackAsync(talking["link"]!.GetValue<string>(), talking["memberA"]!.GetValue<string>(), talking["nickA"]!.GetValue<string>());
            await BrowserSignals.SendAsync(signals, "injected");

            var result = await run;
            var (memberA, memberB) = (result["memberA"]!.GetValue<string>(), result["memberB"]!.GetValue<string>());

            var first = result["first"]!;
            Trust(first["trustA"]).Should().Equal(["verified"], "Ada's own message verifies in her tab");
            Trust(first["trustB"]).Should().Equal(["verified"], "and in Bob's");
            first["trustB"]![0]!["sender"]!.GetValue<string>().Should().Be("Ada");
            var (fingerprintsA, fingerprintsB) = (first["fingerprintsA"]!.AsObject(), first["fingerprintsB"]!.AsObject());
            fingerprintsA.Select(f => f.Key).Should().BeEquivalentTo([memberA, memberB]);
            fingerprintsA[memberA]!.GetValue<string>().Should().MatchRegex("^[0-9]{5} [0-9]{5} [0-9]{5} [0-9]{5}$");
            fingerprintsB[memberA]!.GetValue<string>().Should().Be(fingerprintsA[memberA]!.GetValue<string>(), "Bob reads the fingerprint Ada reads for herself");
            fingerprintsA[memberB]!.GetValue<string>().Should().Be(fingerprintsB[memberB]!.GetValue<string>(), "and the other way round");
            fingerprintsA[memberA]!.GetValue<string>().Should().NotBe(fingerprintsA[memberB]!.GetValue<string>());

            var changed = result["changed"]!;
            changed["memberA"]!.GetValue<string>().Should().Be(memberA, "a reload keeps the member; only the signing key is new");
            Strings(changed["lines"]).Should().Equal(["Ada’s key changed (a new tab or device?). Compare keys again."]);
            Trust(changed["trustB"]).Should().Equal(["verified"], "messages under the new key verify");
            var newFingerprint = changed["fingerprintsB"]![memberA]!.GetValue<string>();
            newFingerprint.Should().NotBe(fingerprintsA[memberA]!.GetValue<string>(), "a new key has a new fingerprint");
            changed["fingerprintsA"]![memberA]!.GetValue<string>().Should().Be(newFingerprint, "and both tabs show the same new one");

            foreach (var page in new[] { "a", "b" })
            {
                var attacked = result["attacked"]![page]!;
                Trust(attacked["forged"]).Should().Equal(["stampMismatch"], $"{page}: a link holder writing as Ada is not verified");
                attacked["forged"]![0]!["sender"]!.GetValue<string>().Should().Be("“Ada”", "never shown as Ada herself");
                attacked["forged"]![0]!["badge"]!.GetValue<string>().Should().Be("not verified: sent by someone else than the name says");
                Trust(attacked["before"]).Should().Equal(["verified"], $"{page}: the replay of Ada's first message under a new seq was dropped");
                Trust(attacked["injected"]).Should().ContainSingle();
                Strings(attacked["withheld"]).Should().Equal([$"Message {withheldSeq} is missing here: the server did not provide it."]);
            }

            File.Exists(Path.Combine(screenshots, "room-signatures.png")).Should().BeTrue();
        }
        finally
        {
            signals.Delete(recursive: true);
        }
    }

    // A link holder with a signing key of its own sends a body that names Ada; then, playing the server on NATS, the
    // test replays Ada's first message under the next seq and puts a new message one seq further, which the room's
    // history does not hold. Returns the seq withheld.
    private async Task<long> AttackAsync(string link, string memberA, string nickA)
    {
        var uri = new Uri(link);
        var roomId = uri.AbsolutePath.Split('/')[2];
        RoomSecret.TryParse(uri.Fragment[1..], out var secret).Should().BeTrue();
        var keys = RoomKeys.Derive(secret, roomId);
        var botKey = MemberKey.Create();
        using var signer = MemberSigner.Create();
        await Call(roomId, roomId, "join", new JsonObject { ["memberKey"] = botKey.ToString(), ["profile"] = Box(keys.SealProfile(botKey.MemberId, "Eve", signer.PublicKey)) });

        var forgedId = Guid.NewGuid().ToString();
        var forged = MessageSignature.Sign(signer, roomId, forgedId, new MessageBody(memberA, nickA, Forged, MessageBody.FormatTime(DateTimeOffset.UtcNow)));
        var box = keys.SealMessage(forgedId, forged);
        await Call(roomId, $"{roomId}.messages", "send", new JsonObject { ["id"] = forgedId, ["ciphertext"] = box.Ciphertext, ["nonce"] = box.Nonce, ["memberKey"] = botKey.ToString() });

        var window = (await Listener.RequestJsonAsync($"get.room.{roomId}.messages", Request(roomId, new JsonObject())))!["result"]!["collection"]!.AsArray();
        var messages = window.Select(m => m!["data"]!).ToList();
        var newest = messages.Max(m => m["seq"]!.GetValue<long>());
        var firstOfAda = messages.First(m => m["member"]?.GetValue<string>() == memberA).DeepClone();
        firstOfAda["seq"] = newest + 1;
        await PublishAddAsync(roomId, firstOfAda, window.Count);

        var injectedId = Guid.NewGuid().ToString();
        var injected = keys.SealMessage(injectedId, MessageSignature.Sign(signer, roomId, injectedId, new MessageBody(botKey.MemberId, "Eve", Injected, MessageBody.FormatTime(DateTimeOffset.UtcNow))));
        await PublishAddAsync(roomId, new JsonObject
        {
            ["id"] = injectedId,
            ["seq"] = newest + 3,
            ["ciphertext"] = injected.Ciphertext,
            ["nonce"] = injected.Nonce,
            ["sentAt"] = firstOfAda["sentAt"]!.GetValue<string>(),
            ["member"] = botKey.MemberId,
        }, window.Count + 1);
        return newest + 2;
    }

    private async Task PublishAddAsync(string roomId, JsonNode message, int index)
    {
        var add = new JsonObject { ["value"] = new JsonObject { ["data"] = message }, ["idx"] = index };
        await Listener.Connection.PublishAsync($"event.room.{roomId}.messages.add", Encoding.UTF8.GetBytes(add.ToJsonString()));
        await Listener.Connection.PingAsync();
    }

    // Straight on NATS, as the gateway would send it for a connection that unlocked this room.
    private async Task Call(string roomId, string resource, string method, JsonObject parameters)
    {
        var reply = await Listener.RequestJsonAsync($"call.room.{resource}.{method}", Request(roomId, parameters));
        reply!["error"].Should().BeNull($"{method} succeeds: {reply.ToJsonString()}");
    }

    private static string Request(string roomId, JsonObject parameters) => new JsonObject
    {
        ["cid"] = "eve",
        ["token"] = new JsonObject { ["rooms"] = new JsonArray(roomId) },
        ["params"] = parameters,
    }.ToJsonString();

    private static JsonObject Box(SealedBox box) => new() { ["ciphertext"] = box.Ciphertext, ["nonce"] = box.Nonce };

    private static string[] Trust(JsonNode? items) => [.. items!.AsArray().Select(i => i!["trust"]!.GetValue<string>())];

    private static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];
}
