using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Chat.Bench.Host;

/// <summary>
/// A child process's reports to the parent: one JSON line each on stdout, told apart by <c>kind</c>.
/// Everything else the child says goes to stderr, so stdout stays machine-readable.
/// </summary>
public static class ChildReports
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes one report line to stdout.</summary>
    public static void Write<T>(string kind, T report) => Console.Out.WriteLine(ToLine(kind, report));

    public static string ToLine<T>(string kind, T report)
    {
        var node = JsonSerializer.SerializeToNode(report, Json)!.AsObject();
        node["kind"] = kind;
        return node.ToJsonString(Json);
    }

    /// <summary>The report in <paramref name="line"/> if it is of <paramref name="kind"/>, else null.</summary>
    public static T? FromLine<T>(string line, string kind)
        where T : class
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        var node = JsonNode.Parse(line) as JsonObject;
        return node?["kind"]?.GetValue<string>() == kind ? node.Deserialize<T>(Json) : null;
    }
}
