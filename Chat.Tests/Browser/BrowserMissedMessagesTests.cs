using System.Text.Json.Nodes;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Browser;

/// <summary>
/// Nothing skipped silently (docs/page.md, "Behaviour"): a page that was away while more messages were
/// written than the room's window holds reads the rest through history after its reconnect.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BrowserMissedMessagesTests(PostgresFixture postgres, ITestOutputHelper output) : GatewaySpec(postgres)
{
    private const int Missed = 150;

    // A writes as fast as the page can: no budget of the room or the gateway may refuse it.
    protected override Dictionary<string, string?> Settings => new()
    {
        ["Chat:Rooms:RatePerSecond"] = "1000",
        ["Chat:Rooms:RateBurst"] = "1000",
        ["Chat:Rooms:ConnectionRatePerSecond"] = "1000",
        ["Chat:Rooms:ConnectionRateBurst"] = "1000",
        ["Chat:Rooms:RoomRatePerSecond"] = "1000",
        ["Chat:Rooms:RoomRateBurst"] = "1000",
        ["Chat:Gateway:RequestsPerSecond"] = "1000",
        ["Chat:Gateway:RequestBurst"] = "1000",
    };

    [Fact]
    public async Task PageAwayWhile150MessagesWereWritten_ShowsEveryOneInOrder_AfterItsReconnect()
    {
        var whileAway = Enumerable.Range(1, Missed).Select(i => $"missed {i:D3}").ToArray();
        var result = await BrowserDriver.RunAsync("missed", new JsonObject
        {
            ["baseUrl"] = Node.HttpUri.ToString(),
            ["nickA"] = "Ada",
            ["nickB"] = "Bob",
            ["before"] = "before the cut",
            ["whileAway"] = new JsonArray([.. whileAway.Select(t => JsonValue.Create(t))]),
        }, output.WriteLine, TimeSpan.FromMinutes(3));

        var texts = result["textsB"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        texts.Should().Equal(["before the cut", .. whileAway], "more than the window (100) was missed, and every message is shown once, in order");
        var seqs = result["seqsB"]!.AsArray().Select(s => s!.GetValue<long>()).ToList();
        seqs.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        result["error"]!.GetValue<string>().Should().BeEmpty("nothing had to be reported missing");
    }
}
