using Chat.Bench.Clients;
using Chat.Bench.Host;
using Chat.Bench.Measure;
using Chat.Bench.Report;

namespace Chat.Bench.Scenarios;

/// <summary>
/// Scenario 3: pages through the embedded gateway. Many WebSocket clients (RES client protocol:
/// version, auth unlock, call join, call send) in many rooms send envelope-encrypted messages on an open-loop
/// schedule; every other client of the room times the message's add event. The clients run in a
/// process of their own (<see cref="ChildProcess"/>): one process holding both ends of 10,000
/// connections would need more open files than this machine allows. This process, the node's,
/// measures memory per connection (server ends only); the client process measures the deliveries.
/// </summary>
public static class EndToEndScenario
{
    public static async Task RunAsync(BenchContext context)
    {
        var p = context.Profile;
        var node = context.RequireNode;
        var settings = new WsClientsSettings(node.WebSocketUri, p.WsClients, p.WsClientsPerRoom, p.WsSendsPerClientPerSecond, p.WarmUp, p.WsWindow);
        var nodeFileLimit = OpenFiles.SoftLimit();
        context.Announce("3. End to end through the embedded gateway (WebSocket, RES client protocol)",
            ("clients", $"{settings.Clients:N0} WebSocket connections, {settings.ClientsPerRoom} per room ({settings.Rooms:N0} rooms), in a separate client process"),
            ("client", "version handshake, auth.room.{id}.unlock (the link's proof), call.room.{id}.join (encrypted profile, member key), then call.room.{id}.messages.send with the C# envelope"),
            ("load", $"open loop, {settings.SendsPerClientPerSecond} sends/s per client = {settings.Rate:N0} sends/s, {settings.Rate * (settings.ClientsPerRoom - 1):N0} deliveries/s"),
            ("latency", "from the scheduled send time to each other room member's messages.add event frame; sender and receivers share the client process, so one clock"),
            ("memory", "managed heap and working set of the node's process after a full GC, before the client process starts and after its connections open: the server end only"),
            ("open-file limit", $"{nodeFileLimit:N0} in the node's process, inherited by the client process; each holds one descriptor per connection"),
            ("node's Kestrel limits", node.ConnectionLimits()),
            ("warm-up / window", $"{p.WarmUp.TotalSeconds} s / {p.WsWindow.TotalSeconds} s"));

        var before = MemorySample.Take();
        var descriptorsBefore = OpenFiles.Open();
        await using var clients = ChildProcess.Start("clients", settings.Arguments());

        // Connecting 10,000 clients takes tens of seconds on 2 cores; a stall far beyond that is a failure.
        var connected = await clients.ReadAsync<ClientsConnected>(WsClientsReports.ConnectedKind, TimeSpan.FromMinutes(10), context.Cancellation);
        var after = MemorySample.Take();
        var serverEnds = OpenFiles.Open() - descriptorsBefore;
        Progress.Line($"   {connected.Connected:N0} connected in {connected.ConnectSeconds:F1} s ({connected.Failed} failed{(connected.FirstError is null ? string.Empty : $", first: {connected.FirstError}")}); " +
            $"node process +{serverEnds:N0} descriptors, client process {connected.OpenDescriptors:N0}");
        var perConnection = Math.Max(1, connected.Connected);
        context.Add(new Figure("4. memory", "managed heap per WebSocket connection (node end)", (after.HeapBytes - before.HeapBytes) / (double)perConnection, "bytes", connected.Connected,
            Note: $"node process only (clients in their own process); working set {(after.WorkingSetBytes - before.WorkingSetBytes) / (double)perConnection:N0} bytes per connection; idle after the version handshake"));

        await clients.SendLineAsync(WsClientsReports.GoLine);
        var result = await clients.ReadAsync<ClientsResult>(WsClientsReports.ResultKind,
            p.WarmUp + p.WsWindow + TimeSpan.FromMinutes(5), context.Cancellation);
        await clients.WaitForExitAsync(TimeSpan.FromSeconds(60));

        var latency = result.Latency;
        var rttP50 = context.Baseline("nats.rtt.p50ms");
        var rttP99 = context.Baseline("nats.rtt.p99ms");
        var rate = settings.Rate;
        var note = $"{result.Received:N0} of {result.Expected:N0} deliveries arrived; {result.JoinErrors} join errors; {result.SendErrors} send errors; {result.DecryptFailures} of {result.Decrypted:N0} checked decryptions failed";
        context.Add(new Figure("3. end to end", $"delivery sender → receiver p50 at {rate:N0} sends/s", latency.P50, "ms", latency.Count,
            "NATS round trip p50 ms", rttP50, Note: note));
        context.Add(new Figure("3. end to end", $"delivery sender → receiver p95 at {rate:N0} sends/s", latency.P95, "ms", latency.Count,
            "NATS round trip p99 ms", rttP99));
        context.Add(new Figure("3. end to end", $"delivery sender → receiver p99 at {rate:N0} sends/s", latency.P99, "ms", latency.Count,
            "NATS round trip p99 ms", rttP99, Note: $"max {latency.Max:F1} ms"));

        // Each process holds one end of every connection, so the lower of the two limits bounds them.
        var allowed = Math.Min(nodeFileLimit, connected.OpenFileLimit);
        context.Add(new Figure("3. end to end", "WebSocket connections held", result.Held, "connections", settings.Clients,
            "connections the open-file limit allows (one descriptor per process)", allowed, "10,000 on one node", result.Held >= 10_000,
            $"{connected.Failed} failed to connect, {result.Clients - result.Held} dropped; connected in {connected.ConnectSeconds:F1} s ({connected.Connected / Math.Max(0.001, connected.ConnectSeconds):N0}/s); " +
            $"node process +{serverEnds:N0} descriptors"));
    }
}
