using System.Text.Json.Nodes;

namespace Chat.Tests.Browser;

/// <summary>The test's side of the driver's marker files (<c>args.signals</c>): one writes, the other waits.</summary>
internal static class BrowserSignals
{
    /// <summary>Waits for the driver's marker file and returns what it wrote; fails at once with the driver's error if it stopped first.</summary>
    public static async Task<string> WaitAsync(DirectoryInfo signals, string name, Task<JsonNode> run)
    {
        var path = Path.Combine(signals.FullName, name);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!File.Exists(path))
        {
            if (run.IsCompleted)
            {
                await run;
                throw new InvalidOperationException($"The browser scenario ended before signalling '{name}'.");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The browser scenario did not signal '{name}' in time.");
            }

            await Task.Delay(50);
        }

        return await File.ReadAllTextAsync(path);
    }

    public static Task SendAsync(DirectoryInfo signals, string name) => File.WriteAllTextAsync(Path.Combine(signals.FullName, name), string.Empty);
}
