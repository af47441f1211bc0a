using System.Globalization;
using Chat.Tests.Infrastructure;
using Chat.Tests.Res;
using Xunit.Abstractions;

namespace Chat.Tests.Sharding;

/// <summary>
/// Three Chat.Web processes in one cluster on loopback at the cluster's default failover settings, one
/// PostgreSQL and one nats-server, with pages talking in many rooms; one node is SIGKILLed (and maybe
/// restarted in place, as Compose or systemd would) or stopped with SIGTERM. Timings are printed with
/// the phases the nodes logged; docs/capacity.md records them.
/// </summary>
[Collection(TimedClusterCollection.Name)]
public sealed class FailoverTests(PostgresFixture postgres, ITestOutputHelper testOutput) : IAsyncLifetime
{
    private const int RoomCount = 40;
    private const int Victim = 2;
    // The targets are 10 s for a crash, 5 s with a restart in place and 1 s for every other pause.
    // Measured here (docs/failover.md): 6.6-8.6 s for a crash, 2.5-3.1 s with a restart (the published,
    // precompiled node scripts/test.sh runs; 3.7-5.8 s with the debug build), 0.30-0.34 s for
    // the rooms of a node stopped gracefully (moved a few shards at a time; 0.31-0.74 s when it is the oldest,
    // whose shard coordinator moves with it), 0.2-0.7 s for rooms on surviving nodes during a crash (a
    // request the killed process had taken costs the client's 0.5 s attempt timeout). A crash's rooms are
    // held to the 10 s target, a restart in place to 5 s (the published node; two busy loops beside the nodes
    // took it to 5.0-6.2 s: the new process starts on a fifth of a core), the surviving
    // rooms of a crash and every room of a graceful stop to 1 s. Where a node rejoins, the others' rooms
    // pause as it comes Up (its first requests go through a process still starting: 0.3-0.8 s in place,
    // up to 1.4 s after the removal) and when rebalancing hands rooms to it; those are held to 2 s.
    // Every figure is printed.
    private static readonly TimeSpan CrashBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RestartInPlaceBound = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PauseBound = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RejoinPauseBound = TimeSpan.FromSeconds(2);

    // Also kept in failover-report.txt next to the tests: CI's console shows no passing test's output.
    private readonly ReportFileOutput _output = new(testOutput, "failover-report.txt");
    private readonly List<ChatWebProcess> _nodes = [];
    private readonly List<(int Http, int Cluster)> _ports = [.. Enumerable.Range(0, 3).Select(_ => (FreePort.Next(), FreePort.Next()))];
    private NatsServer _nats = null!;
    private FakeGateway _gateway = null!;
    private ResRoomClient _client = null!;
    private RoomsUnderLoad _load = null!;
    private ThreadPoolStallMonitor _stalls = null!;
    private string _db = string.Empty;

    public async Task InitializeAsync()
    {
        _db = await postgres.Server.CreateDatabaseAsync("failover");
        _nats = await NatsServer.StartAsync();
        _gateway = await FakeGateway.ConnectAsync(_nats.Url);
        _client = new ResRoomClient(_gateway);
        _load = new RoomsUnderLoad(_client, RoomCount);
        _nodes.AddRange(_ports.Select((_, i) => StartNode(i)));
        await Task.WhenAll(_nodes.Select(n => n.WaitUntilHealthyAsync(TimeSpan.FromMinutes(3))));

        // Every node's RES service has subscribed once three node-wide resets have been seen.
        for (var i = 0; i < 3; i++)
        {
            await _gateway.NextAsync(s => s.Subject == "system.reset" && s.Body.Contains("\"access\"", StringComparison.Ordinal), TimeSpan.FromMinutes(1));
        }

        _stalls = new ThreadPoolStallMonitor();
        await _load.StartAsync();
        await _load.MoreAcknowledgedAsync(400, TimeSpan.FromMinutes(1));
    }

    public async Task DisposeAsync()
    {
        await _load.StopAsync();
        await _stalls.StopAsync();
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask()));
        await _gateway.DisposeAsync();
        await _nats.DisposeAsync();
    }

    [Fact]
    public async Task Sigkill_RoomsOfTheDeadNodeAnswerAgainInSeconds_OthersDoNotWait_NothingLost()
    {
        var killAt = DateTime.UtcNow;
        await _nodes[Victim].KillAsync();

        await _load.EveryRoomAnsweringAgainAsync(killAt, TimeSpan.FromMinutes(2));
        await _load.MoreAcknowledgedAsync(400, TimeSpan.FromMinutes(1));
        var end = DateTime.UtcNow;
        await _load.StopSendingAsync();

        var (moved, stayed) = Report("SIGKILL", killAt, end);
        moved.Should().NotBeEmpty("a third of the rooms lived on the killed node");
        stayed.Should().NotBeEmpty("two thirds of the rooms lived on the other nodes");
        moved.Max(r => r.LongestPause(killAt, end)).Should().BeLessThanOrEqualTo(CrashBound, "every room answers again within seconds of the kill");
        stayed.Max(r => r.LongestPause(killAt, end)).Should().BeLessThanOrEqualTo(PauseBound, "rooms on the surviving nodes do not wait for the failover");
        await ShouldHoldExactlyWhatWasAcknowledgedAsync();
    }

    [Fact]
    public async Task Sigkill_ThenRestartInPlace_EveryRoomBackInSeconds_NothingLost()
    {
        var killAt = DateTime.UtcNow;
        await _nodes[Victim].KillAsync();
        await _nodes[Victim].DisposeAsync();
        _nodes[Victim] = StartNode(Victim);

        await _load.EveryRoomAnsweringAgainAsync(killAt, TimeSpan.FromMinutes(2));
        await _nodes[Victim].WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));

        // Once warm, the restarted node is given its share of rooms by rebalancing: the rooms moved then
        // must not pause either.
        var healthyAt = DateTime.UtcNow;
        await _load.SomeRoomMovedAsync(healthyAt, TimeSpan.FromMinutes(1));
        await _load.MoreAcknowledgedAsync(400, TimeSpan.FromMinutes(1));
        var end = DateTime.UtcNow;
        await _load.StopSendingAsync();

        var (moved, stayed) = Report("SIGKILL and restart in place", killAt, end, movedUntil: healthyAt);
        var firstLine = _nodes[Victim].OutputLines.Select(l => l.At).DefaultIfEmpty().Min();
        _output.WriteLine($"  restarted node's first output line: +{(firstLine - killAt).TotalSeconds:F2} s");
        moved.Should().NotBeEmpty("a third of the rooms lived on the killed node");
        moved.Max(r => r.LongestPause(killAt, end)).Should().BeLessThanOrEqualTo(RestartInPlaceBound, "a restarted node's old incarnation is downed as soon as the new one asks to join");
        stayed.Max(r => r.LongestPause(killAt, end)).Should().BeLessThanOrEqualTo(RejoinPauseBound, "rooms on the surviving nodes do not wait for the failover");
        await ShouldHoldExactlyWhatWasAcknowledgedAsync();
    }

    [Fact]
    public async Task Sigkill_ThenRestartAfterTheOldIncarnationIsRemoved_RejoinsWithoutTakingAnotherNodeDown_NothingLost()
    {
        var killAt = DateTime.UtcNow;
        await _nodes[Victim].KillAsync();

        // A supervisor that waits before restarting (systemd's RestartSec, Compose's back-off): by then the
        // others have removed the old incarnation and quarantined it.
        await ResRoomClient.WaitForAsync(() => LoggedSince("Leader is removing", killAt), TimeSpan.FromMinutes(1), "the old incarnation removed");
        await _nodes[Victim].DisposeAsync();
        _nodes[Victim] = StartNode(Victim);
        await _nodes[Victim].WaitUntilHealthyAsync(TimeSpan.FromMinutes(1));
        var joinedAt = DateTime.UtcNow;

        // Long enough for a broken association to be noticed (unreachable after 1.5 s, downed 2.5 s later),
        // and for the restarted node to be given its share of rooms once warm.
        await _load.MoreAcknowledgedAsync(3000, TimeSpan.FromMinutes(1));
        await _load.SomeRoomMovedAsync(joinedAt, TimeSpan.FromMinutes(1));
        await _load.MoreAcknowledgedAsync(400, TimeSpan.FromMinutes(1));
        var end = DateTime.UtcNow;
        await _load.StopSendingAsync();

        var (_, stayed) = Report("SIGKILL, restart after the removal", killAt, end, movedUntil: joinedAt);
        _output.WriteLine($"  restarted node healthy: +{(joinedAt - killAt).TotalSeconds:F2} s");
        stayed.Max(r => r.LongestPause(killAt, end)).Should().BeLessThanOrEqualTo(RejoinPauseBound, "rooms handed over to the rejoined node do not wait");
        _nodes.Should().OnlyContain(n => !n.HasExited, "no node was downed: a downed node shuts itself down");
        LoggedSince("Marking node(s) as UNREACHABLE", joinedAt).Should().BeFalse("once the restarted node is in, every node reaches every other");
        await Task.WhenAll(_nodes.Select(n => n.WaitUntilHealthyAsync(TimeSpan.FromSeconds(10))));
        await ShouldHoldExactlyWhatWasAcknowledgedAsync();
    }

    [Fact]
    public Task Sigterm_HandsRoomsOverInSeconds_OthersDoNotWait_NothingLost() => SigtermHandsRoomsOverAsync(Victim, "SIGTERM");

    // The first seed node starts the cluster, so it is the oldest: it hosts the shard coordinator, which
    // moves with its leave.
    [Fact]
    public Task Sigterm_OfTheNodeWithTheShardCoordinator_HandsRoomsOverInSeconds_OthersDoNotWait_NothingLost() =>
        SigtermHandsRoomsOverAsync(0, "SIGTERM of the oldest node");

    private async Task SigtermHandsRoomsOverAsync(int victim, string what)
    {
        var stopAt = DateTime.UtcNow;
        await _nodes[victim].DisposeAsync();
        var exitedAfter = DateTime.UtcNow - stopAt;

        await _load.EveryRoomAnsweringAgainAsync(stopAt, TimeSpan.FromMinutes(2));
        await _load.MoreAcknowledgedAsync(400, TimeSpan.FromMinutes(1));
        var end = DateTime.UtcNow;
        await _load.StopSendingAsync();

        _output.WriteLine($"the stopped node exited {exitedAfter.TotalSeconds:F1} s after SIGTERM");
        var (moved, stayed) = Report(what, stopAt, end);
        moved.Should().NotBeEmpty("a third of the rooms lived on the stopped node");
        stayed.Max(r => r.LongestPause(stopAt, end)).Should().BeLessThanOrEqualTo(PauseBound, "rooms on the other nodes do not wait");
        moved.Max(r => r.LongestPause(stopAt, end)).Should().BeLessThanOrEqualTo(PauseBound, "the rooms of a node that stops are handed over, not detected as lost (seconds more)");
        await ShouldHoldExactlyWhatWasAcknowledgedAsync();
    }

    /// <summary>
    /// Prints the phases the surviving nodes logged and each room's pause; returns the rooms that moved
    /// (before <paramref name="movedUntil"/>: later moves are a rejoined node's rebalance) and the others.
    /// </summary>
    private (List<RoomLedger> Moved, List<RoomLedger> Stayed) Report(string what, DateTime at, DateTime end, DateTime? movedUntil = null)
    {
        var moved = _load.Rooms.Where(r => r.ForgotMemberBetween(at, movedUntil ?? end)).ToList();
        var stayed = _load.Rooms.Except(moved).ToList();
        var build = ChatWebProcess.NodeFolder == AppContext.BaseDirectory ? "the debug build" : "the published node";
        _output.WriteLine($"{what} at {at:yyyy-MM-dd HH:mm:ss.fff} ({build}); {_load.Acknowledged} messages acknowledged; {moved.Count} rooms moved, {stayed.Count} stayed");
        if (movedUntil is { } until)
        {
            var rebalanced = stayed.Select(r => r.FirstForgotMember(until, end)).OfType<DateTime>().Order().ToList();
            _output.WriteLine(
                $"  rooms moved after +{(until - at).TotalSeconds:F2} s (the rejoined node's rebalance; counted with those that stayed): {rebalanced.Count}" +
                (rebalanced.Count > 0 ? $", the first told to re-join at +{(rebalanced[0] - at).TotalSeconds:F2} s" : string.Empty));
        }

        foreach (var (phase, marker) in FailoverPhases.Markers)
        {
            var first = _nodes.SelectMany(n => n.OutputLines).Where(l => l.At >= at && l.Line.Contains(marker, StringComparison.Ordinal)).Select(l => l.At).DefaultIfEmpty().Min();
            _output.WriteLine(first == default ? $"  {phase}: not logged" : $"  {phase}: +{(first - at).TotalSeconds:F2} s");
        }

        PrintPauses("rooms that moved", moved, at, end);
        PrintPauses("rooms that stayed", stayed, at, end);
        var (stalledAt, stalled) = _stalls.Longest(at, end);
        _output.WriteLine($"  the load generator's own longest stall: {stalled.TotalSeconds:F2} s from +{(stalledAt - at).TotalSeconds:F2} s (pauses around it are longer than the rooms')");
        PrintWarnings(at);

        return (moved, stayed);
    }

    /// <summary>
    /// What the nodes warned about after <paramref name="at"/> (the surviving ones, and a node restarted in
    /// place): where to look when a pause is long.
    /// </summary>
    private void PrintWarnings(DateTime at)
    {
        var warnings = _nodes.Select((node, index) => (node, index))
            .SelectMany(n => FailoverPhases.Warnings(n.node.OutputLines, at).Select(w => (w.At, Node: n.index, w.Message)))
            .OrderBy(w => w.At).Take(40).ToList();
        _output.WriteLine($"  warnings and errors on the nodes: {warnings.Count}");
        foreach (var (when, node, message) in warnings)
        {
            _output.WriteLine($"    +{(when - at).TotalSeconds:F2} s node {node}: {message}");
        }
    }

    private void PrintPauses(string which, List<RoomLedger> rooms, DateTime at, DateTime end)
    {
        if (rooms.Count == 0)
        {
            return;
        }

        var pauses = rooms.Select(r => r.LongestPause(at, end)).Order().ToList();
        var worst = rooms.OrderByDescending(r => r.LongestPause(at, end)).Take(3)
            .Select(r => $"{r.LongestPause(at, end).TotalSeconds:F2} s from +{(r.PauseStart(at, end) - at).TotalSeconds:F2} s");
        _output.WriteLine(
            $"  longest pause of {which}: median {pauses[pauses.Count / 2].TotalSeconds:F2} s, max {pauses[^1].TotalSeconds:F2} s " +
            $"(worst: {string.Join(", ", worst)})");
        var worstRoom = rooms.MaxBy(r => r.LongestPause(at, end))!;
        _output.WriteLine($"    the worst one's attempts: {worstRoom.AttemptsDuringLongestPause(at, end)}");
    }

    private bool LoggedSince(string marker, DateTime since) =>
        _nodes.Any(n => n.OutputLines.Any(l => l.At >= since && l.Line.Contains(marker, StringComparison.Ordinal)));

    private async Task ShouldHoldExactlyWhatWasAcknowledgedAsync()
    {
        var journal = await ResRoomClient.MessagesPerRoomInJournalAsync(_db);
        foreach (var room in _load.Rooms)
        {
            var mine = room.Messages;
            journal.GetValueOrDefault(room.Room).Should().Be(mine.Count, "every acknowledged message is in the journal once, and nothing else");
            (await _client.HistoryAsync(room.Room, mine.Count)).Should().BeEquivalentTo(mine, "every acknowledged message is in history once, with its seq");
        }
    }

    private ChatWebProcess StartNode(int index)
    {
        var (http, cluster) = _ports[index];
        return ChatWebProcess.Start(http, TestSettings.LoadTest(
            ("ConnectionStrings:Chat", _db),
            ("Nats:Url", _nats.Url),
            ("Chat:Cluster:Hostname", "127.0.0.1"),
            ("Chat:Cluster:Port", cluster.ToString(CultureInfo.InvariantCulture)),

            // Every node lists the same seeds in the same order, as docker-compose.yml does.
            ("Chat:Cluster:SeedNodes:0", Seed(0)),
            ("Chat:Cluster:SeedNodes:1", Seed(1)),
            ("Chat:Cluster:SeedNodes:2", Seed(2)),
            ("Logging:LogLevel:Default", "Warning"),
            ("Logging:LogLevel:Akka", "Information")));
    }

    private string Seed(int index) => $"akka.tcp://chat@127.0.0.1:{_ports[index].Cluster.ToString(CultureInfo.InvariantCulture)}";
}
