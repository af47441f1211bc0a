using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Res;

/// <summary>
/// The connection's send budget over NATS, as Resgate or the gateway would meet it: 5 sends, then one
/// every 10 s, whatever member ids the connection uses. The other budgets are opened up.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ResServiceSendBudgetTests(PostgresFixture postgres) : ResServiceSpec(postgres)
{
    private const int ConnectionBurst = 5;
    private const string Flood = "cid-flood";

    protected override Dictionary<string, string?> Settings => new(base.Settings)
    {
        ["Chat:Rooms:ConnectionRateBurst"] = ConnectionBurst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Chat:Rooms:ConnectionRatePerSecond"] = "0.1",
    };

    [Fact]
    public async Task ManyMemberIdsOnOneConnection_AreRateLimitedWithARetryHint_WhileOthersKeepSending()
    {
        var room = NewRoom();
        var members = Enumerable.Range(0, 20).Select(_ => NewMember()).ToList();
        foreach (var member in members)
        {
            await JoinAsync(room, member, Flood);
        }

        var neighbour = NewMember();
        await JoinAsync(room, neighbour, "cid-neighbour");
        var bystanderRoom = NewRoom();
        var bystander = NewMember();
        await JoinAsync(bystanderRoom, bystander, "cid-bystander");

        var accepted = 0;
        var refusals = new List<JsonNode>();
        var bystanderSeqs = new List<long>();
        for (var i = 0; i < members.Count; i++)
        {
            var reply = await Gateway.RequestJsonAsync($"call.room.{room}.messages.send", SendBody(room, members[i], cid: Flood));
            if (reply!["result"] is not null)
            {
                accepted++;
            }
            else
            {
                refusals.Add(reply["error"]!);
            }

            // Within the bystander's own connection budget, all through the flood.
            if (i % ConnectionBurst == 0)
            {
                bystanderSeqs.Add(await SendAsync(bystanderRoom, bystander, cid: "cid-bystander"));
            }
        }

        accepted.Should().Be(ConnectionBurst, "twenty member ids share one connection's budget");
        refusals.Should().HaveCount(members.Count - ConnectionBurst).And.AllSatisfy(error =>
        {
            error["code"]!.GetValue<string>().Should().Be("room.rateLimited");
            error["message"]!.GetValue<string>().Should().Contain("Your connection");
            error["data"]!["retryAfterMs"]!.GetValue<long>().Should().BeInRange(1, 10_000, "one send comes back every 10 s");
        });
        bystanderSeqs.Should().Equal([1L, 2L, 3L, 4L], "another connection in another room is not held back");
        (await SendAsync(room, neighbour, cid: "cid-neighbour")).Should().Be(ConnectionBurst + 1, "another connection in the same room is not held back either");
    }
}
