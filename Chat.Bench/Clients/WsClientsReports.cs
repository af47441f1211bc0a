using Chat.Bench.Measure;

namespace Chat.Bench.Clients;

/// <summary>The client process's report kinds and the line it waits for (<see cref="Host.ChildReports"/> carries them).</summary>
public static class WsClientsReports
{
    public const string ConnectedKind = "connected";
    public const string ResultKind = "result";

    /// <summary>The line the parent writes to the child's stdin once it has measured the node's memory.</summary>
    public const string GoLine = "go";
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
