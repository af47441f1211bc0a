using System.Text.Json;
using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Browser;

/// <summary>
/// Runs Browser/driver.mjs: playwright-core (pinned by its package-lock.json, installed with npm ci once
/// per run) driving Debian's Chromium, which the README's test command installs.
/// </summary>
internal static class BrowserDriver
{
    private static readonly NpmFolder Packages = new("Browser");

    public static string Chromium { get; } = FindChromium();

    /// <summary>Runs one scenario and returns its result, the last line it prints.</summary>
    public static async Task<JsonNode> RunAsync(string scenario, JsonObject arguments, Action<string> log, TimeSpan timeout)
    {
        await Packages.EnsureInstalledAsync();
        arguments["chromium"] = Chromium;
        var output = await ExternalProcess.RunAsync(
            "node", [Path.Combine(Packages.Path, "driver.mjs"), scenario, arguments.ToJsonString()], timeout);
        log(output);
        return JsonNode.Parse(output.Trim().Split('\n')[^1])!;
    }

    private static string FindChromium()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "chromium");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("chromium is not on PATH; scripts/install-prerequisites.sh installs it (apt package chromium).");
    }

    public static JsonNode ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, JsonOptions)!;

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
