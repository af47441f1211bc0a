using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Browser;

/// <summary>
/// A message's states in the page (docs/page.md, "Sending"): on its way, then not sent when the gateway
/// stays away longer than <c>Chat:Page:SendRetryWindow</c>, with its text and a "Send again" that works
/// once the gateway is back, delivering the message once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BrowserSendingTests(PostgresFixture postgres, ITestOutputHelper output) : GatewaySpec(postgres)
{
    protected override Dictionary<string, string?> Settings => new() { ["Chat:Page:SendRetryWindow"] = "00:00:03" };

    [Fact]
    public async Task CutOffFromTheGateway_TheMessageIsPendingThenNotSent_AndSendAgainDeliversItOnce()
    {
        var tag = Convert.ToHexString(RandomNumberGenerator.GetBytes(3)).ToLowerInvariant();
        var texts = new { Before = $"before the cut {tag}", During = $"written while cut off {tag}" };

        var result = await BrowserDriver.RunAsync("failedSend", new JsonObject
        {
            ["baseUrl"] = Node.HttpUri.ToString(),
            ["nickA"] = $"Ada-{tag}",
            ["nickB"] = $"Bob-{tag}",
            ["before"] = texts.Before,
            ["during"] = texts.During,
        }, output.WriteLine, TimeSpan.FromMinutes(3));

        var pending = result["pending"]!;
        pending["composer"]!.GetValue<string>().Should().BeEmpty("the message left the box for the outbox");
        var shown = BrowserReconnectingTests.Outbox(pending["outbox"]);
        shown.Should().ContainSingle().Which.Text.Should().Be(texts.During);
        shown[0].State.Should().BeOneOf(["sending", "waiting"], "it is on its way until the retry window is over");

        var failed = result["failed"]!;
        BrowserReconnectingTests.Outbox(failed["outbox"]).Should().Equal([(texts.During, "failed")], "the text is never lost");
        failed["reason"]!.GetValue<string>().Should().StartWith("Not sent: ").And.NotContain("Something went wrong", "the reason is said in words");
        Strings(failed["buttons"]).Should().Equal(["Send again", "Edit"]);
        failed["focused"]!.GetValue<string>().Should().Be("Send again", "a keyboard user can act at once");
        Strings(failed["textsB"]).Should().Equal([texts.Before], "nothing reached the room while A was cut off");

        var after = result["after"]!;
        BrowserReconnectingTests.Outbox(after["outbox"]).Should().BeEmpty();
        Strings(after["textsA"]).Should().Equal([texts.Before, texts.During], "sent again, stored once");
        Strings(after["textsB"]).Should().Equal([texts.Before, texts.During]);
    }

    private static List<string> Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];
}
