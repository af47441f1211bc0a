using System.Text.Json.Nodes;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Browser;

/// <summary>
/// "Ada is typing…" between two browsers through the embedded gateway (docs/page.md, "Typing"): the
/// notice is a custom RES event on the room, sealed under the room key, shown to the others only, and
/// gone when the message arrives.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BrowserTypingTests(PostgresFixture postgres, ITestOutputHelper output) : GatewaySpec(postgres)
{
    [Fact]
    public async Task WhileAdaWrites_BobReadsThatSheIsTyping_AndTheLineGoesWithHerMessage()
    {
        var result = await BrowserDriver.RunAsync("typing", new JsonObject
        {
            ["baseUrl"] = Node.HttpUri.ToString(),
            ["nickA"] = "Ada",
            ["nickB"] = "Bob",
            ["before"] = "hello",
            ["draft"] = "a longer answer, written slowly",
        }, output.WriteLine, TimeSpan.FromMinutes(2));

        result["shownToB"]!.GetValue<string>().Should().Be("Ada is typing…");
        result["shownToA"]!.GetValue<string>().Should().BeEmpty("nobody is told that they themselves are typing");
        result["afterMessage"]!.GetValue<string>().Should().BeEmpty("the message replaces the notice");
    }
}
