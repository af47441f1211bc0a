using System.Collections.Concurrent;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Sharding;

/// <summary>
/// Pages talking in many rooms at once (a message per room every 150 ms: steady, well below what the
/// machine can take, so pauses are the cluster's and not a saturated CPU's), each keeping its own
/// ledger: one message at a time, retried with
/// the same id until acknowledged (as the page does), and a heartbeat every second that re-joins when a
/// room has forgotten its member. Every acknowledgement is timed, so a room's pauses can be measured.
/// </summary>
internal sealed class RoomsUnderLoad(ResRoomClient client, int roomCount)
{
    /// <summary>
    /// One attempt's wait. A request taken by a process that is then killed is never answered; a short
    /// wait (the message id makes the retry safe) measures the room rather than a lost request's timeout.
    /// </summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SendEvery = TimeSpan.FromMilliseconds(150);

    private readonly List<Task> _loops = [];
    private volatile bool _sending = true;
    private volatile bool _heartbeating = true;

    public IReadOnlyList<RoomLedger> Rooms { get; } =
        [.. Enumerable.Range(0, roomCount).Select(_ => new RoomLedger(TestPayloads.NewRoomId(), TestPayloads.NewMemberKey()))];

    public int Acknowledged => Rooms.Sum(r => r.Count);

    public async Task StartAsync()
    {
        foreach (var room in Rooms)
        {
            await client.JoinAsync(room.Room, room.Member);
        }

        foreach (var room in Rooms)
        {
            _loops.Add(Task.Run(() => SendSteadily(room)));
            _loops.Add(Task.Run(() => Heartbeat(room)));
        }
    }

    /// <summary>Waits until <paramref name="count"/> more messages have been acknowledged.</summary>
    public Task MoreAcknowledgedAsync(int count, TimeSpan timeout)
    {
        var target = Acknowledged + count;
        return ResRoomClient.WaitForAsync(() => Acknowledged >= target, timeout, $"{count} more messages acknowledged");
    }

    /// <summary>
    /// Waits until every room answers steadily again after <paramref name="since"/>: each acknowledged a
    /// message within the last 0.6 s (a room answers every 150-200 ms), judged from 1.2 s after
    /// <paramref name="since"/>, when a room that stopped then has gone 0.6 s without.
    /// </summary>
    public Task EveryRoomAnsweringAgainAsync(DateTime since, TimeSpan timeout) =>
        ResRoomClient.WaitForAsync(
            () => DateTime.UtcNow > since.AddSeconds(1.2) && Rooms.All(r => r.LastAck > DateTime.UtcNow.AddMilliseconds(-600)),
            timeout,
            $"every room answering again after {since:HH:mm:ss.fff}");

    /// <summary>
    /// Waits until a room moves after <paramref name="since"/> (a room on a new node has forgotten its
    /// members, and its sender is told to re-join), then until every room answers steadily again.
    /// </summary>
    public async Task SomeRoomMovedAsync(DateTime since, TimeSpan timeout)
    {
        await ResRoomClient.WaitForAsync(() => Rooms.Any(r => r.ForgotMemberAfter(since)), timeout, $"a room moved after {since:HH:mm:ss.fff}");
        var movedAt = DateTime.UtcNow;
        await EveryRoomAnsweringAgainAsync(movedAt, timeout);
    }

    /// <summary>Stops sending once each room's message in flight is acknowledged; members keep heartbeating.</summary>
    public async Task StopSendingAsync()
    {
        _sending = false;
        await Task.WhenAll(_loops.Where((_, i) => i % 2 == 0)).WaitAsync(TimeSpan.FromMinutes(3));
    }

    public async Task StopAsync()
    {
        _sending = false;
        _heartbeating = false;
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromMinutes(3)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task SendSteadily(RoomLedger room)
    {
        while (_sending)
        {
            // No stop check inside: a message may be stored with its reply lost, so it is finished before stopping.
            var id = Guid.NewGuid();
            var firstTry = DateTime.UtcNow;
            var giveUpAt = firstTry + TimeSpan.FromMinutes(2);
            while (true)
            {
                if (DateTime.UtcNow > giveUpAt)
                {
                    throw new TimeoutException($"Message {id} to {room.Room} was never acknowledged.");
                }

                var sentAt = DateTime.UtcNow;
                var reply = await client.TrySendAsync(room.Room, room.Member, id, AttemptTimeout, late => room.AnsweredLate(sentAt, late));
                room.Attempted(sentAt, reply);
                if (reply?["result"]?["seq"] is { } seq)
                {
                    room.Acknowledge(id, seq.GetValue<long>());
                    break;
                }

                if (ResRoomClient.IsNotJoined(reply))
                {
                    room.NotJoined();
                    await client.JoinAsync(room.Room, room.Member);
                }
                else if (reply is not null)
                {
                    await ResRoomClient.BackOffAsync(firstTry);
                }
            }

            await Task.Delay(SendEvery, CancellationToken.None);
        }
    }

    private async Task Heartbeat(RoomLedger room)
    {
        while (_heartbeating)
        {
            await Task.Delay(HeartbeatEvery);
            var reply = await client.TryHeartbeatAsync(room.Room, room.Member);
            if (ResRoomClient.IsNotJoined(reply))
            {
                room.NotJoined();
                await client.JoinAsync(room.Room, room.Member);
            }
        }
    }
}

/// <summary>One room's acknowledged messages with the time of each acknowledgement.</summary>
internal sealed class RoomLedger(string room, string member)
{
    private readonly ConcurrentQueue<(Guid Id, long Seq, DateTime At)> _acks = new();
    private readonly ConcurrentQueue<DateTime> _notJoined = new();
    private readonly ConcurrentQueue<(DateTime Sent, DateTime Answered, string Outcome)> _attempts = new();
    private readonly ConcurrentDictionary<DateTime, (DateTime At, string Outcome)> _lateAnswers = new();

    public string Room { get; } = room;

    public string Member { get; } = member;

    public int Count => _acks.Count;

    public List<(Guid Id, long Seq)> Messages => [.. _acks.Select(a => (a.Id, a.Seq))];

    public void Acknowledge(Guid id, long seq) => _acks.Enqueue((id, seq, DateTime.UtcNow));

    public void NotJoined() => _notJoined.Enqueue(DateTime.UtcNow);

    /// <summary>Records one attempt to send: when it went, when it ended and how (ack, timeout or the error code).</summary>
    public void Attempted(DateTime sent, System.Text.Json.Nodes.JsonNode? reply) =>
        _attempts.Enqueue((sent, DateTime.UtcNow, reply is null ? "timeout" : Outcome(reply)));

    /// <summary>Records the answer to an attempt that had timed out (null: none ever came).</summary>
    public void AnsweredLate(DateTime sent, System.Text.Json.Nodes.JsonNode? reply) =>
        _lateAnswers[sent] = (DateTime.UtcNow, reply is null ? "never" : Outcome(reply));

    /// <summary>
    /// The attempts that overlapped the longest pause, e.g. "+0.17→+0.68 timeout (answered +0.75
    /// room.notJoined)": where a pause went, and whether a request that timed out was held or lost.
    /// </summary>
    public string AttemptsDuringLongestPause(DateTime from, DateTime to)
    {
        var (start, length) = Pause(from, to);
        var end = start + length;
        return string.Join(", ", _attempts
            .Where(a => a.Answered >= start && a.Sent <= end)
            .Select(a => $"+{(a.Sent - from).TotalSeconds:F2}→+{(a.Answered - from).TotalSeconds:F2} {a.Outcome}{Late(a.Sent, from)}"));
    }

    private string Late(DateTime sent, DateTime from) => _lateAnswers.TryGetValue(sent, out var late)
        ? late.Outcome == "never" ? " (never answered)" : $" (answered +{(late.At - from).TotalSeconds:F2} {late.Outcome})"
        : string.Empty;

    private static string Outcome(System.Text.Json.Nodes.JsonNode reply) =>
        reply["result"] is not null ? "ack" : reply["error"]?["code"]?.ToString() ?? "?";

    /// <summary>The room forgot its member after <paramref name="since"/>: it was started again on another node.</summary>
    public bool ForgotMemberAfter(DateTime since) => ForgotMemberBetween(since, DateTime.MaxValue);

    public bool ForgotMemberBetween(DateTime from, DateTime to) => FirstForgotMember(from, to) is not null;

    public DateTime? FirstForgotMember(DateTime from, DateTime to) => _notJoined.Where(at => at > from && at <= to).Order().Cast<DateTime?>().FirstOrDefault();

    public DateTime LastAck => _acks.LastOrDefault().At;

    /// <summary>The longest time without an acknowledgement between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public TimeSpan LongestPause(DateTime from, DateTime to) => Pause(from, to).Length;

    /// <summary>When the longest pause began.</summary>
    public DateTime PauseStart(DateTime from, DateTime to) => Pause(from, to).Start;

    private (DateTime Start, TimeSpan Length) Pause(DateTime from, DateTime to)
    {
        // One sender per room, so acknowledgements are queued in time order.
        var times = _acks.Select(a => a.At).ToList();
        var previous = times.LastOrDefault(at => at <= from, from);
        var longest = (Start: from, Length: TimeSpan.Zero);
        foreach (var at in times.Where(at => at > from && at <= to).Append(to))
        {
            longest = at - previous > longest.Length ? (previous, at - previous) : longest;
            previous = at;
        }

        return longest;
    }
}
