using System.Text.Json.Nodes;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Hostile;

/// <summary>
/// People who did nothing wrong: in each of two rooms, one writes and another reads, each on a
/// connection of their own. The attacker targets <see cref="SharedRoom"/>; <see cref="OtherRoom"/>
/// is elsewhere on the node. While an attack runs they keep talking; every message must be
/// acknowledged and reach the reader.
/// </summary>
public sealed class Bystanders : IAsyncDisposable
{
    private readonly Pair[] _pairs;
    private readonly CancellationTokenSource _stop = new();
    private Task _talking = Task.CompletedTask;
    private int _delivered;

    private Bystanders(Pair[] pairs)
    {
        _pairs = pairs;
    }

    public string SharedRoom => _pairs[0].Room;

    public string OtherRoom => _pairs[1].Room;

    /// <summary>Messages sent and seen by the reader since <see cref="StartTalking"/>.</summary>
    public int Delivered => Volatile.Read(ref _delivered);

    public List<string> Failures { get; } = [];

    public static async Task<Bystanders> JoinAsync(Uri ws)
    {
        var pairs = new[] { await Pair.JoinAsync(ws, TestPayloads.NewRoomId()), await Pair.JoinAsync(ws, TestPayloads.NewRoomId()) };
        return new Bystanders(pairs);
    }

    /// <summary>Both rooms carry one message from writer to reader, now.</summary>
    public async Task ProveAliveAsync()
    {
        foreach (var pair in _pairs)
        {
            await pair.TalkOnceAsync();
        }
    }

    /// <summary>Both rooms talk every 300 ms (within a person's send budget) until <see cref="StopTalkingAsync"/>.</summary>
    public void StartTalking()
    {
        _talking = Task.WhenAll(_pairs.Select(async pair =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await pair.TalkOnceAsync();
                    Interlocked.Increment(ref _delivered);
                }
                catch (Exception e)
                {
                    lock (Failures)
                    {
                        Failures.Add($"room {pair.Room}: {e.Message}");
                    }
                }

                await Task.Delay(300, CancellationToken.None);
            }
        }));
    }

    /// <summary>Stops talking and checks that every message in between went through.</summary>
    public async Task StopTalkingAsync()
    {
        await _stop.CancelAsync();
        await _talking;
        Failures.Should().BeEmpty("bystanders must keep sending and receiving while the attack runs");
        Delivered.Should().BePositive();
        await ProveAliveAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _talking;
        foreach (var pair in _pairs)
        {
            await pair.DisposeAsync();
        }

        _stop.Dispose();
    }

    private sealed class Pair(string room, string memberKey, WsClient writer, WsClient reader) : IAsyncDisposable
    {
        public string Room { get; } = room;

        public static async Task<Pair> JoinAsync(Uri ws, string room)
        {
            var writer = await WsClient.ConnectAsync(ws);
            var reader = await WsClient.ConnectAsync(ws);
            await writer.UnlockAsync(room);
            await reader.UnlockAsync(room);
            var memberKey = TestPayloads.NewMemberKey();
            var joined = await writer.RequestAsync($"call.room.{room}.join", GatewayProtocolTests.JoinParams(memberKey));
            joined["error"].Should().BeNull();
            var subscribed = await reader.RequestAsync($"subscribe.room.{room}");
            subscribed["error"].Should().BeNull();
            return new Pair(room, memberKey, writer, reader);
        }

        public async Task TalkOnceAsync()
        {
            // The reader's page would heartbeat; a frame now and then keeps its connection from being idle.
            (await reader.RequestAsync("version"))["result"].Should().NotBeNull();

            var sent = await writer.RequestAsync($"call.room.{Room}.messages.send", GatewayProtocolTests.SendParams(memberKey));
            if (sent["error"] is { } error)
            {
                throw new InvalidOperationException($"send refused: {error.ToJsonString()}");
            }

            var seq = sent["result"]!["payload"]!["seq"]!.GetValue<long>();
            while (true)
            {
                var added = await reader.NextEventAsync(e => e == $"room.{Room}.messages.add", TimeSpan.FromSeconds(15));
                if (added["data"]!["value"]!["data"]!["seq"]!.GetValue<long>() >= seq)
                {
                    return;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await writer.DisposeAsync();
            await reader.DisposeAsync();
        }
    }
}
