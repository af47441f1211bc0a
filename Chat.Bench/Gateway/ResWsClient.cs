using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Chat.Bench.Measure;
using Chat.Bench.Res;
using Chat.Client.Envelope;

namespace Chat.Bench.Gateway;

/// <summary>
/// A page's connection, reduced to what a benchmark needs: the RES client protocol over WebSocket
/// (numbered requests, responses matched by id) and a callback for every <c>messages.add</c> event
/// with its arrival time. Buffers are small, as many thousands of these share the client process.
/// </summary>
public sealed class ResWsClient : IAsyncDisposable
{
    private static readonly byte[] AddEventMarker = "messages.add\""u8.ToArray();

    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _waiting = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Action<ResWsClient, string, byte[], long> _onAdd;
    private Task _reading = Task.CompletedTask;
    private int _id;

    private ResWsClient(Action<ResWsClient, string, byte[], long> onAdd)
    {
        _onAdd = onAdd;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
    }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>Set when the gateway closed the connection or it failed.</summary>
    public bool Dropped { get; private set; }

    /// <summary>Room this client joined and the member it joined as (set by the scenario).</summary>
    public BenchRoom? Room { get; set; }

    public MemberKey Member { get; } = MemberKey.Create();

    /// <summary>Connects and completes the version handshake, as resclient does first.</summary>
    public static async Task<ResWsClient> ConnectAsync(Uri uri, Action<ResWsClient, string, byte[], long> onAdd, CancellationToken cancellation)
    {
        var client = new ResWsClient(onAdd);
        try
        {
            await client._socket.ConnectAsync(uri, cancellation);
            client._reading = client.ReadLoopAsync();
            var version = await client.RequestAsync("version", new JsonObject { ["protocol"] = "1.2.3" });
            if (version["result"] is null)
            {
                throw new InvalidOperationException($"version handshake failed: {version.ToJsonString()}");
            }

            return client;
        }
        catch
        {
            // A failed attempt must not keep its socket: at 10,000 clients descriptors are scarce.
            await client.DisposeAsync();
            throw;
        }
    }

    public async Task<JsonObject> RequestAsync(string method, JsonNode? parameters = null)
    {
        var reply = Send(method, parameters, out var sent);
        await sent;
        return await reply.WaitAsync(ResRequester.RequestTimeout);
    }

    /// <summary>Sends a request and returns with its response still to come.</summary>
    public Task<JsonObject> Send(string method, JsonNode? parameters, out Task sent)
    {
        var id = Interlocked.Increment(ref _id);
        var waiting = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = waiting;
        var request = new JsonObject { ["id"] = id, ["method"] = method };
        if (parameters is not null)
        {
            request["params"] = parameters;
        }

        sent = SendTextAsync(request.ToJsonString());
        return waiting.Task;
    }

    private async Task SendTextAsync(string text)
    {
        // A WebSocket allows one send at a time.
        await _sending.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[4096];
        var message = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    Dropped = true;
                    break;
                }

                message.Write(buffer.AsSpan(0, received.Count));
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var arrived = Clock.Now;
                var frame = message.WrittenSpan;
                if (frame.StartsWith("{\"event\""u8))
                {
                    // Only message adds are timed; other events (participants, change) pass by unparsed.
                    if (frame[..Math.Min(frame.Length, 120)].IndexOf(AddEventMarker) >= 0 && MessageIds.FromAddEvent(frame) is { } messageId)
                    {
                        _onAdd(this, messageId, frame.ToArray(), arrived);
                    }
                }
                else if (JsonNode.Parse(frame) is JsonObject response && response["id"] is JsonValue idValue
                    && idValue.TryGetValue<int>(out var id) && _waiting.TryRemove(id, out var waiting))
                {
                    waiting.TrySetResult(response);
                }

                message.Clear();
            }
        }
        catch (WebSocketException)
        {
            Dropped = true;
        }
        finally
        {
            foreach (var waiting in _waiting.Values)
            {
                waiting.TrySetException(new WebSocketException("The connection closed."));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }

            await _reading.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException)
        {
        }

        _socket.Dispose();
        _sending.Dispose();
    }
}
