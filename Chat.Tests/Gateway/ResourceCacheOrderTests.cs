using System.Text;
using System.Text.Json.Nodes;
using Chat.Gateway;
using Chat.Testing;
using NATS.Client.Core;

namespace Chat.Tests.Gateway;

/// <summary>
/// The gateway cache keeps a resource's events and its get replies in the order NATS delivered them, as
/// Resgate does: a service publishes an event right after a get's reply, and the event must land on top of
/// the reply's data, neither dropped (first load) nor undone by the diff of a reset. A scripted service on a
/// real nats-server publishes exactly that; the cache, the requester and NATS.Net are the gateway's own.
/// </summary>
public sealed class ResourceCacheOrderTests : IAsyncLifetime
{
    private const int Rounds = 150;

    // Each miss costs the settling wait; a handful proves the point.
    private const int MaxMisses = 5;

    private NatsServer _nats = null!;

    public async Task InitializeAsync() => _nats = await NatsServer.StartAsync();

    public async Task DisposeAsync() => await _nats.DisposeAsync();

    [Fact]
    public async Task AnEventRightAfterTheFirstGetsReply_IsKept()
    {
        // Each get is answered with an empty list, and an add follows the reply at once.
        await using var rig = await Rig.StartAsync(_nats.Url);
        var cache = rig.Cache;
        using var stop = new CancellationTokenSource();
        var service = await ServeAsync(rig.Service, "get.order.first.*", (_, _) => 1, stop.Token);
        var missing = new List<string>();
        for (var i = 0; i < Rounds && missing.Count < MaxMisses; i++)
        {
            var rid = $"order.first.{i}";
            var (resource, error) = await cache.AcquireAsync(rid, CancellationToken.None);
            error.Should().BeNull();
            if ((await SettledDataAsync(resource!, expectedCount: 1)).Count != 1)
            {
                missing.Add(rid);
            }

            cache.Release(resource!);
        }

        await stop.CancelAsync();
        await service;
        missing.Should().BeEmpty("an event published after the get's reply is not in the reply, so dropping it loses it for good");
    }

    [Fact]
    public async Task AnEventRightAfterAResetsReply_IsNotUndoneByTheResetsDiff()
    {
        // The collection grows by one add event right after each get's reply: after every reset the cache must
        // hold all the items the service has published, whichever of the reply and the event it read first.
        await using var rig = await Rig.StartAsync(_nats.Url);
        var cache = rig.Cache;
        using var stop = new CancellationTokenSource();
        var service = await ServeAsync(rig.Service, "get.order.reset", (_, count) => count + 1, stop.Token);
        var (resource, error) = await cache.AcquireAsync("order.reset", CancellationToken.None);
        error.Should().BeNull();
        await SettledDataAsync(resource!, expectedCount: 1);

        // An undone add comes back with the next reset's reply, so each round is checked on its own.
        var undone = new List<int>();
        for (var i = 0; i < Rounds && undone.Count < MaxMisses; i++)
        {
            await cache.ResetAsync(["order.reset"], CancellationToken.None);
            var items = await SettledDataAsync(resource!, expectedCount: i + 2);
            if (items.Count != i + 2)
            {
                undone.Add(i);
            }
            else
            {
                items.Select(n => n!.GetValue<int>()).Should().Equal(Enumerable.Range(0, i + 2), "every reply, then the add that followed it, in that order");
            }
        }

        cache.Release(resource!);
        await stop.CancelAsync();
        await service;
        undone.Should().BeEmpty("an event published after a reset's reply is newer than the reply");
    }

    [Fact]
    public async Task AServiceFloodingAResourceDuringItsGet_IsHeldToABound_AndTheResourceFetchedAgain()
    {
        // 1,500 adds before the first reply: more than the 1,024 events the cache holds while it waits for a reply.
        await using var rig = await Rig.StartAsync(_nats.Url);
        const int Flood = 1500;
        var gets = 0;
        var gotten = await rig.Service.SubscribeCoreAsync<byte[]>("get.order.flood");
        await rig.Service.PingAsync();
        var serving = Task.Run(async () =>
        {
            await foreach (var get in gotten.Msgs.ReadAllAsync())
            {
                if (Interlocked.Increment(ref gets) == 1)
                {
                    for (var i = 0; i < Flood; i++)
                    {
                        await rig.Service.PublishAsync("event.order.flood.add", Encoding.UTF8.GetBytes($$"""{"value":{{i}},"idx":{{i}}}"""));
                    }

                    // Reply once the cache has read past its bound: read after the reply, the events would be older
                    // than it and dropped, never held (the order of the two readers is the scheduler's).
                    await Sharding.ResRoomClient.WaitForAsync(() => rig.Cache.HeldEventsOverflowed("order.flood"), TimeSpan.FromSeconds(10), "the cache holding more events than its bound");
                }

                var all = new JsonArray([.. Enumerable.Range(0, Flood).Select(i => (JsonNode)i)]);
                await rig.Service.PublishAsync(get.ReplyTo!, Encoding.UTF8.GetBytes(new JsonObject { ["result"] = new JsonObject { ["collection"] = all } }.ToJsonString()));
            }
        });

        var (resource, error) = await rig.Cache.AcquireAsync("order.flood", CancellationToken.None);

        error.Should().BeNull();
        (await SettledDataAsync(resource!, Flood)).Select(n => n!.GetValue<int>()).Should().Equal(Enumerable.Range(0, Flood));
        Volatile.Read(ref gets).Should().Be(2, "the held events overflowed, so the cache fetched the resource again once the first reply was in");
        rig.Cache.Release(resource!);
        await gotten.UnsubscribeAsync();
        await serving;
    }

    /// <summary>
    /// Answers each get with the resource's list (items 0..n-1), then publishes one add for item n: the reply and
    /// the event leave on one connection, reply first. <paramref name="next"/> says how long the list is after.
    /// </summary>
    /// <returns>Once the server has the service's subscription: the serving, until <paramref name="stop"/>.</returns>
    private static async Task<Task> ServeAsync(NatsConnection nats, string subject, Func<string, int, int> next, CancellationToken stop)
    {
        var gets = await nats.SubscribeCoreAsync<byte[]>(subject, cancellationToken: stop);
        await nats.PingAsync(stop);
        return ServeGetsAsync(nats, gets, next, stop);
    }

    private static async Task ServeGetsAsync(NatsConnection nats, INatsSub<byte[]> gets, Func<string, int, int> next, CancellationToken stop)
    {
        await using var _ = gets;
        var counts = new Dictionary<string, int>();
        try
        {
            await foreach (var get in gets.Msgs.ReadAllAsync(stop))
            {
                var rid = get.Subject["get.".Length..];
                var count = counts.GetValueOrDefault(rid);
                var collection = new JsonArray([.. Enumerable.Range(0, count).Select(i => (JsonNode)i)]);
                await nats.PublishAsync(get.ReplyTo!, Encoding.UTF8.GetBytes(new JsonObject { ["result"] = new JsonObject { ["collection"] = collection } }.ToJsonString()), cancellationToken: stop);
                counts[rid] = next(rid, count);
                await nats.PublishAsync($"event.{rid}.add", Encoding.UTF8.GetBytes($$"""{"value":{{count}},"idx":{{count}}}"""), cancellationToken: stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The cached list once it holds <paramref name="expectedCount"/> items, or what it holds after 2 s without them.</summary>
    private static async Task<JsonArray> SettledDataAsync(CachedResource resource, int expectedCount)
    {
        var listener = new NoListener();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (true)
        {
            var data = resource.Listen(listener).AsArray();
            resource.StopListening(listener);
            if (data.Count >= expectedCount || DateTime.UtcNow > deadline)
            {
                return data;
            }

            await Task.Delay(10);
        }
    }

    /// <summary>The scripted service's connection, and the gateway's connection with its cache.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly NatsConnection _gateway;

        private Rig(NatsConnection service, NatsConnection gateway)
        {
            Service = service;
            _gateway = gateway;
            Cache = new ResourceCache(new ServiceRequester(gateway, TimeSpan.FromSeconds(5)), TimeSpan.Zero);
        }

        public NatsConnection Service { get; }

        public ResourceCache Cache { get; }

        public static async Task<Rig> StartAsync(string url)
        {
            var service = new NatsConnection(NatsOpts.Default with { Url = url, Name = "scripted-service" });
            await service.ConnectAsync();
            // Room for the flood in NATS.Net's pending messages, so that the cache's own bound is what it meets.
            var gateway = new NatsConnection(NatsOpts.Default with { Url = url, Name = "gateway", SubPendingChannelCapacity = 10_000 });
            await gateway.ConnectAsync();
            return new Rig(service, gateway);
        }

        public async ValueTask DisposeAsync()
        {
            await Cache.DisposeAsync();
            await _gateway.DisposeAsync();
            await Service.DisposeAsync();
        }
    }

    private sealed class NoListener : IResourceListener
    {
        public void OnResourceEvent(string rid, byte[] frame)
        {
        }
    }
}
