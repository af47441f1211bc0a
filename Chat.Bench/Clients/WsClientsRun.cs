using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Chat.Bench.Gateway;
using Chat.Bench.Host;
using Chat.Bench.Measure;
using Chat.Bench.Res;
using Chat.Client.Envelope;

namespace Chat.Bench.Clients;

/// <summary>
/// The client process of scenario 3: opens the connections, reports, waits for the parent's
/// <see cref="WsClientsReports.GoLine"/> (the parent measures the node's memory in between, with
/// the clients idle), unlocks and joins every client's room, sends on an open-loop schedule, times every
/// delivery, reports the result and closes the connections.
/// </summary>
public static class WsClientsRun
{
    // As many handshakes in flight as the in-process version had: far below Kestrel's listen
    // backlog (512), so a burst of connects is never refused by the node's kernel queue.
    private const int ConnectParallelism = 32;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan DeliveryGrace = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(WsClientsSettings settings, CancellationToken cancellation)
    {
        var deliveries = new Deliveries();
        var clients = new ConcurrentBag<ResWsClient>();
        try
        {
            var connected = await ConnectAsync(settings, clients, deliveries, cancellation);
            Report(WsClientsReports.ConnectedKind, connected);

            // The parent answers once it has sampled the node's memory. End of input means the parent
            // is gone: nobody will read the results, so stop rather than load the node for nothing.
            if (await Console.In.ReadLineAsync(cancellation) != WsClientsReports.GoLine)
            {
                Console.Error.WriteLine("No go from the parent; closing the connections.");
                return 2;
            }

            WatchForParentExit();
            var all = clients.ToArray();
            // With no connection there is nobody to send or receive: report the zeros rather than fail.
            var joinErrors = all.Length == 0 ? 0 : await JoinAsync(settings, all, cancellation);
            var sendErrors = all.Length == 0 ? 0 : await SendOnScheduleAsync(settings, all, deliveries, cancellation);

            var deadline = Clock.After(Clock.Now, DeliveryGrace.TotalSeconds);
            while (deliveries.Received < deliveries.Expected && Clock.Now < deadline)
            {
                await Task.Delay(50, cancellation);
            }

            var held = all.Count(c => c.IsOpen && !c.Dropped);
            Report(WsClientsReports.ResultKind, new ClientsResult(
                all.Length, held, all.Count(c => c.Dropped), joinErrors, sendErrors,
                deliveries.Expected, deliveries.Received, deliveries.Decrypted, deliveries.DecryptFailures,
                deliveries.Latencies.Summarize()));
            return 0;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine("Interrupted; closing the connections.");
            return 130;
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private static async Task<ClientsConnected> ConnectAsync(WsClientsSettings settings, ConcurrentBag<ResWsClient> clients, Deliveries deliveries, CancellationToken cancellation)
    {
        var start = Clock.Now;
        var failed = 0;
        var attempted = 0;
        string? firstError = null;
        var progressEvery = Math.Max(1, settings.Clients / 10);
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Clients), new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellation }, async (_, ct) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ConnectTimeout);
            try
            {
                clients.Add(await ResWsClient.ConnectAsync(settings.Url, deliveries.OnAdd, timeout.Token));
            }
            catch (Exception e) when (!ct.IsCancellationRequested
                && e is WebSocketException or HttpRequestException or InvalidOperationException or TimeoutException or OperationCanceledException)
            {
                Interlocked.Increment(ref failed);
                Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message}", null);
            }

            var n = Interlocked.Increment(ref attempted);
            if (n % progressEvery == 0)
            {
                Console.Error.WriteLine($"{n:N0} of {settings.Clients:N0} attempted in {Clock.Seconds(start, Clock.Now):F1} s ({Volatile.Read(ref failed)} failed)");
            }
        });
        return new ClientsConnected(clients.Count, failed, Clock.Seconds(start, Clock.Now), OpenFiles.SoftLimit(), OpenFiles.Open(), firstError);
    }

    private static async Task<int> JoinAsync(WsClientsSettings settings, ResWsClient[] clients, CancellationToken cancellation)
    {
        var rooms = Enumerable.Range(0, settings.Rooms).Select(_ => new BenchRoom()).ToArray();
        var joinErrors = 0;
        var start = Clock.Now;
        await Parallel.ForEachAsync(Enumerable.Range(0, clients.Length), new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = cancellation }, async (i, _) =>
        {
            var client = clients[i];
            client.Room = rooms[i % rooms.Length];
            try
            {
                // As the page does: show the link's proof first; without it the room refuses the join.
                var unlocked = await client.RequestAsync($"auth.room.{client.Room.Id}.unlock", ResBodies.UnlockParams(client.Room));
                var reply = unlocked["error"] is not null ? unlocked : await client.RequestAsync($"call.room.{client.Room.Id}.join",
                    ResBodies.JoinParams(client.Member, client.Room.SealProfile(client.Member)));
                if (reply["result"] is null)
                {
                    Interlocked.Increment(ref joinErrors);
                }
            }
            catch (Exception e) when (e is WebSocketException or TimeoutException)
            {
                Interlocked.Increment(ref joinErrors);
            }
        });
        Console.Error.WriteLine($"joined {clients.Length:N0} clients to {rooms.Length:N0} rooms in {Clock.Seconds(start, Clock.Now):F1} s ({joinErrors} errors)");
        return joinErrors;
    }

    private static async Task<int> SendOnScheduleAsync(WsClientsSettings settings, ResWsClient[] clients, Deliveries deliveries, CancellationToken cancellation)
    {
        var rate = settings.Rate;
        var total = (long)(rate * (settings.WarmUp + settings.Window).TotalSeconds);
        var start = Clock.Now;
        var windowStart = Clock.After(start, settings.WarmUp.TotalSeconds);
        var replies = new List<Task<JsonObject>>();
        long sent = 0;
        while (sent < total)
        {
            cancellation.ThrowIfCancellationRequested();
            var due = Math.Min(total, (long)(Clock.Seconds(start, Clock.Now) * rate));
            for (; sent < due; sent++)
            {
                // Senders take turns so that every client sends at the same average rate.
                var sender = clients[sent % clients.Length];
                var room = sender.Room!;
                var scheduled = Clock.After(start, sent / rate);
                var body = new MessageBody(sender.Member.MemberId, "bench", $"Message {sent} from a page in an end-to-end benchmark.", MessageBody.FormatTime(DateTimeOffset.UtcNow));
                var id = Guid.NewGuid().ToString();
                var box = room.Keys.SealMessage(id, body);
                deliveries.Expect(id, sender, room, scheduled, scheduled >= windowStart, settings.ClientsPerRoom - 1);
                replies.Add(sender.Send($"call.room.{room.Id}.messages.send", ResBodies.SendParams(sender.Member, id, box), out _));
            }

            await Task.Delay(1, cancellation);
        }

        Console.Error.WriteLine($"sent {sent:N0} messages in {Clock.Seconds(start, Clock.Now):F1} s");
        var errors = 0;
        foreach (var reply in replies)
        {
            try
            {
                if ((await reply.WaitAsync(BenchRequesters.RequestTimeout, cancellation))["result"] is null)
                {
                    errors++;
                }
            }
            catch (Exception e) when (e is WebSocketException or TimeoutException)
            {
                errors++;
            }
        }

        return errors;
    }

    private static void Report<T>(string kind, T report)
    {
        Console.Out.WriteLine(ChildReports.ToLine(kind, report));
        Console.Out.Flush();
    }

    /// <summary>
    /// Ends this process when its stdin closes: the parent died without stopping it (it stops it by
    /// PID otherwise), and a client process left behind would hold thousands of sockets.
    /// </summary>
    private static void WatchForParentExit() => _ = Task.Run(async () =>
    {
        while (await Console.In.ReadLineAsync() is not null)
        {
        }

        Console.Error.WriteLine("The parent closed stdin; exiting.");
        Environment.Exit(3);
    });
}
