using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Chat.Bench.Measure;

namespace Chat.Bench.Clients;

/// <summary>
/// The client process's reports to the parent: one JSON line each on stdout, told apart by
/// <c>kind</c>. Everything else the child says goes to stderr, so stdout stays machine-readable.
/// </summary>
public static class WsClientsReports
{
    public const string ConnectedKind = "connected";
    public const string ResultKind = "result";

    /// <summary>The line the parent writes to the child's stdin once it has measured the node's memory.</summary>
    public const string GoLine = "go";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

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

/// <summary>After every connection was attempted (and each that opened finished the version handshake).</summary>
public sealed record ClientsConnected(int Connected, int Failed, double ConnectSeconds, long OpenFileLimit, int OpenDescriptors, string? FirstError);

/// <summary>After the schedule ran and the deliveries came in (or 15 s passed), before the clients close.</summary>
public sealed record ClientsResult(
    int Clients,
    int Held,
    int Dropped,
    int JoinErrors,
    int SendErrors,
    long Expected,
    long Received,
    long Decrypted,
    long DecryptFailures,
    LatencySummary Latency);
