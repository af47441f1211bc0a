using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Browser;

/// <summary>
/// What makes a conversation easy to read in the page (docs/page.md, "Behaviour"): runs of one sender
/// grouped, the day above its first message, joins and leaves as lines, web addresses clickable and
/// nothing else, an unread count while the tab is in the background, and a dark theme when the system
/// asks for one.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class BrowserReadingTests(PostgresFixture postgres, ITestOutputHelper output) : GatewaySpec(postgres)
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(2);

    protected override Dictionary<string, string?> Settings => new()
    {
        ["Chat:Rooms:HeartbeatInterval"] = HeartbeatInterval.ToString(),
        ["Chat:Rooms:HeartbeatTimeout"] = "00:00:06",
        ["Chat:Rooms:GracePeriod"] = "00:00:10",
    };

    [Fact]
    public async Task RunsAreGrouped_DaysAndComingsAndGoingsAreLines_WebAddressesAreLinks_TheTitleCountsUnread_AndTheThemeFollowsTheSystem()
    {
        const string linkText = "see https://example.org/a?b=1&c=2, (http://chat.test/x) or javascript:alert(1) and ftp://files.test";
        var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        var result = await BrowserDriver.RunAsync("readingAids", new JsonObject
        {
            ["baseUrl"] = Node.HttpUri.ToString(),
            ["screenshots"] = screenshots,
            ["nickA"] = "Ada",
            ["nickB"] = "Bob",
            ["nickC"] = "Cy",
            ["leaveSettlesMs"] = HeartbeatInterval.TotalMilliseconds * 1.5,
            ["before"] = "first from Ada",
            ["run"] = new JsonArray("second from Ada", "third from Ada"),
            ["reply"] = "Bob answers",
            ["linkText"] = linkText,
            ["whileAway"] = new JsonArray("while you were away 1", "while you were away 2", "while you were away 3"),
        }, output.WriteLine, TimeSpan.FromMinutes(2));

        Bools(result["grouping"]).Should().Equal([false, true, true, false], "Ada's run is one group; Bob's answer starts another");
        Bools(result["metaShown"]).Should().Equal([true, false, false, true], "a grouped message does not repeat its sender and time on screen");
        var days = result["days"]!.AsArray().Select(d => d?.GetValue<string>()).ToList();
        days[0].Should().NotBeNullOrEmpty("the first message of a day carries the day");
        days.Skip(1).Should().OnlyContain(d => d == null, "the others were written the same day");

        Strings(result["afterReload"]).Should().Equal(["Cy joined"], "a reload is a leave and a join at once, not worth a line");
        Strings(result["afterLeaving"]).Should().Equal(["Cy joined", "Cy left"]);

        var links = result["links"]!.AsArray().Select(l => (Href: l!["href"]!.GetValue<string>(), Text: l["text"]!.GetValue<string>(), Rel: l["rel"]!.GetValue<string>(), Target: l["target"]!.GetValue<string>())).ToList();
        links.Select(l => l.Href).Should().Equal(["https://example.org/a?b=1&c=2", "http://chat.test/x"], "http and https only, without the trailing comma or parenthesis");
        links.Select(l => l.Text).Should().Equal(["https://example.org/a?b=1&c=2", "http://chat.test/x"]);
        links.Should().OnlyContain(l => l.Rel == "noopener noreferrer" && l.Target == "_blank");
        result["linkText"]!.GetValue<string>().Should().Be(linkText, "the text reads exactly as written, links included");

        var title = result["titleBefore"]!.GetValue<string>();
        result["titleAway"]!.GetValue<string>().Should().Be($"(3) {title}", "three messages came while the tab was in the background");
        result["titleBack"]!.GetValue<string>().Should().Be(title, "the count clears when the person looks again");
        result["iconAway"]!.GetValue<string>().Should().Be("/favicon-unread.svg", "the tab's icon shows that something arrived");
        result["iconBack"]!.GetValue<string>().Should().Be("/favicon.svg");

        var light = Luminance(result["light"]!.GetValue<string>());
        var dark = Luminance(result["dark"]!.GetValue<string>());
        light.Should().BeGreaterThan(0.8, "the light theme is light");
        dark.Should().BeLessThan(0.2, "prefers-color-scheme: dark gives a dark page");
    }

    private static List<string> Strings(JsonNode? node) => [.. node!.AsArray().Select(n => n!.GetValue<string>())];

    private static List<bool> Bools(JsonNode? node) => [.. node!.AsArray().Select(n => n!.GetValue<bool>())];

    /// <summary>Relative luminance of a CSS <c>rgb(r, g, b)</c> colour, 0 (black) to 1 (white).</summary>
    private static double Luminance(string rgb)
    {
        var channels = RgbPattern().Match(rgb).Groups.Values.Skip(1).Select(g => double.Parse(g.Value, CultureInfo.InvariantCulture) / 255).ToArray();
        channels.Should().HaveCount(3, $"'{rgb}' is an rgb() colour");
        var linear = channels.Select(c => c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4)).ToArray();
        return (0.2126 * linear[0]) + (0.7152 * linear[1]) + (0.0722 * linear[2]);
    }

    [GeneratedRegex(@"^rgba?\((\d+), (\d+), (\d+)")]
    private static partial Regex RgbPattern();
}
