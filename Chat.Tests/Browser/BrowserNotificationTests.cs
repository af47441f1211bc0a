using System.Text.Json.Nodes;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Browser;

/// <summary>
/// Notifications while the tab is hidden (docs/page.md, "Notifications"): opt-in, without the text by
/// default, the sender and text only as a second, explained choice, never while the tab is seen, and a
/// browser that refuses them is named as the reason.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BrowserNotificationTests(PostgresFixture postgres, ITestOutputHelper output) : GatewaySpec(postgres)
{
    [Fact]
    public async Task NotificationsAreOptIn_SayOnlyThatAMessageArrived_AndShowTheTextOnlyWhenAsked()
    {
        var texts = new[] { "while hidden, not asked", "while hidden, arrival only", "while seen", "while hidden, with text", "after turning it off" };

        var result = await BrowserDriver.RunAsync("notifications", new JsonObject
        {
            ["baseUrl"] = Node.HttpUri.ToString(),
            ["nickA"] = "Ada",
            ["nickB"] = "Bob",
            ["before"] = "hello",
            ["texts"] = new JsonArray([.. texts.Select(t => (JsonNode)t)]),
        }, output.WriteLine, TimeSpan.FromMinutes(2));

        result["initial"]!.GetValue<string>().Should().Be("off", "nothing is notified until the person asks");
        result["byDefault"]!.AsArray().Should().BeEmpty();
        result["textHint"]!.GetValue<string>().Should().Contain("leave this page’s encryption", "showing the text is explained");
        var notes = result["notes"]!.AsArray().Select(n => (Title: n!["title"]!.GetValue<string>(), Body: n["body"]!.GetValue<string>())).ToList();
        notes.Should().Equal(
            [("New message in your room", string.Empty), ("Ada", texts[3])],
            "the first says only that a message arrived; the text shows only once asked for, never while the tab is seen or after turning it off");

        var refused = result["refused"]!;
        refused["choice"]!.GetValue<string>().Should().Be("off", "a browser that refuses notifications leaves the choice at Never");
        refused["hint"]!.GetValue<string>().Should().Contain("does not allow this site to notify you");
    }
}
