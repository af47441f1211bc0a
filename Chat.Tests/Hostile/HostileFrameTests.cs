using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;
using Chat.Tests.Res;

namespace Chat.Tests.Hostile;

/// <summary>Frames no page sends: each is answered (or its socket closed with a reason) without reaching NATS.</summary>
[Collection(PostgresCollection.Name)]
public sealed class HostileFrameTests(PostgresFixture postgres) : HostileSpec(postgres)
{
    public static TheoryData<string> MalformedMethods() => new()
    {
        // Markers no subject of ours can hold (not hex, unlike a random inbox or room id), checked below.
        $"get.room.{new string('q', 5000)}",
        $"subscribe.room.{new string('q', 257)}",
        $"call.room.{Guid.NewGuid()}.{new string('m', 65)}",
        $"call.{new string('x', 20_000)}.join",
        "get.room.a b",
        "get.room.a\tb",
        "get.room.a\u0000b",
        "get.room.*",
        "subscribe.room.>",
        "get.room..x",
        "get.room.x.",
        "get.",
        "call.room",
        "call.room.",
        "get.room.ünïcode",
        "get.room.a\r\nPUB x 1",
        "auth.room.x y.unlock",
        "new.room",
        "",
    };

    [Theory]
    [MemberData(nameof(MalformedMethods))]
    public async Task MalformedMethod_IsAnsweredInvalidRequest_WithoutTouchingNats(string method)
    {
        await using var requests = await Listener.Connection.SubscribeCoreAsync<byte[]>(">");
        await UnderAttack(async () =>
        {
            await using var attacker = await Attacker();
            for (var i = 0; i < 20; i++)
            {
                var reply = await attacker.RequestAsync(method);
                reply["error"]!["code"]!.GetValue<string>().Should().Be("system.invalidRequest");
            }
        });

        // Every subject the node saw on NATS is one of ours, never one the attacker wrote.
        var seen = new List<string>();
        while (requests.Msgs.TryRead(out var message))
        {
            seen.Add(message.Subject);
        }

        seen.Should().NotContain(s => s.Contains("qqqqq", StringComparison.Ordinal) || s.Contains("xxxxx", StringComparison.Ordinal) || s.Contains("mmmmm", StringComparison.Ordinal));
    }

    public static TheoryData<string> MalformedFrames() => new()
    {
        "not json",
        "[1,2,3]",
        "\"a string\"",
        "42",
        "null",
        "{}",
        """{"id":1}""",
        """{"id":1,"method":42}""",
        """{"id":1,"method":["get.room.x"]}""",
        """{"id":1,"method":null}""",
        """{"id":{"nested":true},"method":"version"}""",
        """{"id":[1],"method":"version"}""",
        $$"""{"id":"{{new string('i', 65)}}","method":"version"}""",
        new string('[', 10_000) + new string(']', 10_000),
        """{"id":1,"method":"version","params":""" + new string('[', 100) + new string(']', 100) + "}",
        "{\"id\":1,\"method\":\"version\"",
        "\uFEFF{}",
    };

    [Theory]
    [MemberData(nameof(MalformedFrames))]
    public async Task MalformedFrame_IsAnsweredInvalidRequest(string frame)
    {
        await UnderAttack(async () =>
        {
            await using var attacker = await Attacker();
            for (var i = 0; i < 20; i++)
            {
                var reply = await attacker.SendRawForAnswerAsync(frame);
                reply["error"]!["code"]!.GetValue<string>().Should().Be("system.invalidRequest");
            }

            (await attacker.RequestAsync("version"))["result"].Should().NotBeNull("the connection stays usable after bad frames");
        });
    }

    [Fact]
    public async Task InvalidUtf8_ClosesTheSocketAsInvalidPayload()
    {
        await UnderAttack(async () =>
        {
            await using var attacker = await Attacker();
            await attacker.SendBytesAsync([0x7b, 0xff, 0xfe, 0x7d]);
            await attacker.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            attacker.CloseStatus.Should().Be(WebSocketCloseStatus.InvalidPayloadData, "a text frame must be UTF-8 (RFC 6455), which the WebSocket layer enforces");
        });
    }

    [Fact]
    public async Task BinaryFrame_ClosesTheSocketWithAReason()
    {
        await UnderAttack(async () =>
        {
            await using var attacker = await Attacker();
            await attacker.SendBytesAsync(Encoding.UTF8.GetBytes("""{"id":1,"method":"version"}"""), WebSocketMessageType.Binary);
            await attacker.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            attacker.CloseStatus.Should().Be(WebSocketCloseStatus.InvalidMessageType);
            attacker.CloseReason.Should().NotBeNullOrEmpty();
        });
    }

    [Fact]
    public async Task FrameOverTheLimit_ClosesTheSocketWithAReason()
    {
        await UnderAttack(async () =>
        {
            await using var attacker = await Attacker();
            var huge = $$$"""{"id":1,"method":"call.room.{{{Bystanders.SharedRoom}}}.messages.send","params":{"ciphertext":"{{{new string('A', 300 * 1024)}}}"}}""";
            await attacker.SendRawAsync(huge);
            await attacker.Closed.WaitAsync(TimeSpan.FromSeconds(10));
            attacker.CloseStatus.Should().Be(WebSocketCloseStatus.MessageTooBig);
            attacker.CloseReason.Should().Contain("limited");
        });
    }

    [Fact]
    public async Task BadFrames_AreNotLoggedAboveDebug_AndNeverWithAStackTrace()
    {
        await UnderAttack(async () =>
        {
            await using var attacker = await Attacker();
            for (var i = 0; i < 50; i++)
            {
                await attacker.RequestAsync($"get.room.{new string('a', 5000)}");
                await attacker.RequestAsync("call.room.x y.join");
                await attacker.SendRawForAnswerAsync("{not json");
            }
        });

        // The node logs at Information here: none of the 150 refusals may appear, nor any exception.
        Node.Logs.Lines.Should().NotContain(l => l.Contains("refused a request", StringComparison.Ordinal));
        Node.Logs.Lines.Should().NotContain(l => l.StartsWith("Error", StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal));
        Gateway.RefusedRequests.Should().BeGreaterThanOrEqualTo(150);
    }
}
