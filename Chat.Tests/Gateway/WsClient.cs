using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Gateway;

/// <summary>A raw RES client over WebSocket: numbered requests, responses matched by id, events queued.</summary>
public sealed class WsClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _waiting = new();
    private readonly Channel<JsonObject> _events = Channel.CreateUnbounded<JsonObject>();
    private readonly Channel<JsonObject> _idless = Channel.CreateUnbounded<JsonObject>();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reading = Task.CompletedTask;
    private int _id;

    public WebSocketState State => _socket.State;

    /// <summary>Completes when the read loop has ended: the server closed (or reset) the connection.</summary>
    public Task Closed => _closed.Task;

    /// <summary>The status and reason of the server's close frame, once <see cref="Closed"/> completed.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseReason => _socket.CloseStatusDescription;

    public static async Task<WsClient> ConnectAsync(Uri uri, bool read = true, string? origin = null)
    {
        var client = new WsClient();
        if (origin is not null)
        {
            client._socket.Options.SetRequestHeader("Origin", origin);
        }

        await client._socket.ConnectAsync(uri, CancellationToken.None);
        if (read)
        {
            client._reading = client.ReadLoopAsync();
        }

        return client;
    }

    /// <summary>Tries an upgrade that the server should refuse; returns the HTTP status it answered with.</summary>
    public static async Task<System.Net.HttpStatusCode> RefusedUpgradeAsync(Uri uri, string? origin = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        try
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        throw new InvalidOperationException("The server accepted the WebSocket.");
    }

    public async Task<JsonObject> RequestAsync(string method, JsonNode? parameters = null)
    {
        var id = Interlocked.Increment(ref _id);
        var waiting = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = waiting;
        var request = new JsonObject { ["id"] = id, ["method"] = method };
        if (parameters is not null)
        {
            request["params"] = parameters;
        }

        await SendRawAsync(request.ToJsonString());
        return await waiting.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>Shows a room's proof, as the page does on every connect: <c>auth.room.{id}.unlock</c>.</summary>
    public async Task<JsonObject> UnlockAsync(string room, string? proof = null)
    {
        var unlocked = await RequestAsync($"auth.room.{room}.unlock", new JsonObject { ["proof"] = proof ?? TestPayloads.ProofOf(room) });
        if (proof is null && unlocked["error"] is { } error)
        {
            throw new InvalidOperationException($"Unlocking {room} failed: {error.ToJsonString()}");
        }

        return unlocked;
    }

    /// <summary>
    /// For a client connected with <c>read: false</c>: sends a request and reads frames by hand up to its
    /// answer. Requests on one connection run concurrently, so a stalled client that must unlock before it
    /// subscribes has to see the unlock answered; after that it can stop reading for good.
    /// </summary>
    public async Task<JsonObject> RequestWithoutReaderAsync(string method, JsonNode? parameters = null)
    {
        var id = Interlocked.Increment(ref _id);
        var request = new JsonObject { ["id"] = id, ["method"] = method };
        if (parameters is not null)
        {
            request["params"] = parameters;
        }

        await SendRawAsync(request.ToJsonString());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var received = await _socket.ReceiveAsync(buffer, cts.Token);
            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage)
            {
                continue;
            }

            var frame = (JsonObject)JsonNode.Parse(message.ToArray())!;
            message.SetLength(0);
            if (frame["id"] is JsonValue answered && answered.TryGetValue<int>(out var n) && n == id)
            {
                return frame;
            }
        }
    }

    public async Task SendRawAsync(string text) =>
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text) =>
        await _socket.SendAsync(bytes, type, true, CancellationToken.None);

    /// <summary>Sends one frame and returns the next frame that answers no numbered request (an error for an unreadable request).</summary>
    public async Task<JsonObject> SendRawForAnswerAsync(string text)
    {
        await SendRawAsync(text);
        return await NextIdlessAsync();
    }

    /// <summary>Resets the TCP connection at once, as a client that vanishes mid-request would.</summary>
    public void Abort() => _socket.Abort();

    /// <summary>The next event whose name matches, skipping others.</summary>
    public async Task<JsonObject> NextEventAsync(Func<string, bool> name, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var frame = await _events.Reader.ReadAsync(cts.Token);
            if (name(frame["event"]!.GetValue<string>()))
            {
                return frame;
            }
        }
    }

    public List<string> DrainIdless()
    {
        var all = new List<string>();
        while (_idless.Reader.TryRead(out var frame))
        {
            all.Add(frame.ToJsonString());
        }

        return all;
    }

    /// <summary>Every event received so far, without waiting.</summary>
    public List<JsonObject> DrainEvents()
    {
        var all = new List<JsonObject>();
        while (_events.Reader.TryRead(out var frame))
        {
            all.Add(frame);
        }

        return all;
    }

    public async Task<JsonObject> NextIdlessAsync() => await _idless.Reader.ReadAsync(new CancellationTokenSource(TimeSpan.FromSeconds(15)).Token);

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                var frame = (JsonObject)JsonNode.Parse(message.ToArray())!;
                message.SetLength(0);
                if (frame["event"] is not null)
                {
                    await _events.Writer.WriteAsync(frame);
                }
                else if (frame["id"] is JsonValue id && id.TryGetValue<int>(out var n) && _waiting.TryRemove(n, out var waiting))
                {
                    waiting.TrySetResult(frame);
                }
                else
                {
                    await _idless.Writer.WriteAsync(frame);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _closed.TrySetResult();
        }
    }

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }

        await _reading;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync();
        }
        catch (WebSocketException)
        {
        }

        _socket.Dispose();
    }
}
