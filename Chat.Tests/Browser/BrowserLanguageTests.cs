using System.Text.Json.Nodes;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Chat.Tests.Browser;

/// <summary>
/// French and English (docs/page.md, "Languages"): the browser's language chooses, the switch on the page
/// overrides it, and both catalogues hold the same keys, so no string is left in one language only.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BrowserLanguageTests(PostgresFixture postgres, ITestOutputHelper output) : GatewaySpec(postgres)
{
    [Fact]
    public async Task AFrenchBrowser_GetsFrench_TheSwitchGivesEnglish_AndBothLanguagesHaveEveryString()
    {
        var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        var result = await BrowserDriver.RunAsync("languages", new JsonObject
        {
            ["baseUrl"] = Node.HttpUri.ToString(),
            ["screenshots"] = screenshots,
            ["nick"] = "Zoé",
            ["message"] = "Bonjour à tous, on se retrouve à 18 h ?",
        }, output.WriteLine, TimeSpan.FromMinutes(2));

        var landingFr = result["landingFr"]!;
        Text(landingFr, "lang").Should().Be("fr");
        Text(landingFr, "title").Should().Be("Chat : des salons privés à partir d’un lien");
        Text(landingFr, "heading").Should().Be("Des salons privés à partir d’un lien");
        Text(landingFr, "button").Should().Be("Créer un salon");

        var joinFr = result["joinFr"]!;
        Text(joinFr, "label").Should().Be("Votre pseudo dans ce salon");
        Text(joinFr, "button").Should().Be("Entrer");

        var roomFr = result["roomFr"]!;
        Text(roomFr, "lang").Should().Be("fr");
        Text(roomFr, "title").Should().Be("Salon de discussion");
        Text(roomFr, "status").Should().Be("Salon actif. Présents : 1.");
        Text(roomFr, "heading").Should().Be("Présents (1)");
        Text(roomFr, "you").Should().Be(" (vous)");
        Text(roomFr, "placeholder").Should().StartWith("Écrivez un message");
        Text(roomFr, "send").Should().Be("Envoyer");
        Text(roomFr, "notify").Should().Be("Me prévenir quand cet onglet est masqué");
        Text(roomFr, "error").Should().Be("Ce salon est plein. Réessayez quand quelqu’un sera parti.");

        var roomEn = result["roomEn"]!;
        Text(roomEn, "lang").Should().Be("en");
        Text(roomEn, "title").Should().Be("Chat room");
        Text(roomEn, "status").Should().Be("Active room. 1 here.");
        Text(roomEn, "heading").Should().Be("Here now (1)");
        Text(roomEn, "you").Should().Be(" (you)");
        Text(roomEn, "send").Should().Be("Send");
        Text(roomEn, "error").Should().Be("This room is full. Try again when someone leaves.");

        var keys = result["keys"]!;
        Strings(keys["fr"]).Should().Equal(Strings(keys["en"]), "every string exists in both languages");
        Strings(keys["en"]).Should().HaveCountGreaterThan(60);

        var landingEn = result["landingEn"]!;
        Text(landingEn, "lang").Should().Be("en");
        Text(landingEn, "heading").Should().Be("Private rooms from a link");
        Text(landingEn, "button").Should().Be("Create a room");
    }

    private static string Text(JsonNode node, string name) => node[name]!.GetValue<string>();

    private static List<string> Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];
}
