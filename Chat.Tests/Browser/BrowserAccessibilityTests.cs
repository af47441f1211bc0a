using System.Text.Json.Nodes;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Browser;

/// <summary>
/// axe-core in Chromium on the landing page, the join form and a room with a conversation, light and
/// dark (docs/page.md, "Accessibility"): no serious or critical violation.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BrowserAccessibilityTests(PostgresFixture postgres, ITestOutputHelper output) : GatewaySpec(postgres)
{
    [Fact]
    public async Task EveryPageAPersonMeets_HasNoSeriousOrCriticalAxeViolation()
    {
        var result = await BrowserDriver.RunAsync("accessibility", new JsonObject
        {
            ["baseUrl"] = Node.HttpUri.ToString(),
            ["nickA"] = "Ada",
            ["nickB"] = "Bob",
            ["texts"] = new JsonArray("first", "second, with https://example.org/a link"),
            ["reply"] = "an answer",
        }, output.WriteLine, TimeSpan.FromMinutes(2));

        result["pages"]!.GetValue<int>().Should().Be(4);
        result["found"]!.AsArray().Select(v => v!.ToJsonString()).Should().BeEmpty("axe finds nothing serious or critical");
    }
}
