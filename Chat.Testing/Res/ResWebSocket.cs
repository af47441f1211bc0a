using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Chat.Testing.Res;

/// <summary>Called for every frame that answers no waiting request (events, errors without an id), with its arrival (a Stopwatch timestamp).</summary>
public delegate void ResFrameHandler(ReadOnlySpan<byte> frame, long arrived);

/// <summary>How a <see cref="ResWebSocket"/> connects and reads.</summary>
public sealed record ResWebSocketOptions
{
    /// <summary>Sent as the upgrade's <c>Origin</c> header, as a browser would.</summary>
    public string? Origin { get; init; }

    /// <summary>False leaves the socket unread (a stalled client); see <see cref="ResWebSocket.RequestWithoutReaderAsync"/>.</summary>
    public bool Read { get; init; } = true;

    /// <summary>Receive buffer; small when many thousands of clients share one process.</summary>
    public int ReceiveBufferBytes { get; init; } = 64 * 1024;

    /// <summary>WebSocket pings; the benchmark's clients send none, as the gateway needs none.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = WebSocket.DefaultKeepAliveInterval;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// A client's side of the RES client protocol over WebSocket, for the tests and the benchmark alike: numbered
/// requests, responses matched by id, every other frame handed to the owner as it arrives. One send at a time, as a
/// WebSocket requires; requests still waiting when the connection ends fail at once.
/// </summary>
public sealed class ResWebSocket : IAsyncDisposable
{
    private static readonly byte[] EventStart = "{\"event\""u8.ToArray();

    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _waiting = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ResWebSocketOptions _options;
    private readonly ResFrameHandler _onFrame;
    private Task _reading = Task.CompletedTask;
    private int _id;

    private ResWebSocket(ResWebSocketOptions options, ResFrameHandler onFrame)
    {
        _options = options;
        _onFrame = onFrame;
        _socket.Options.KeepAliveInterval = options.KeepAliveInterval;
        if (options.Origin is not null)
        {
            _socket.Options.SetRequestHeader("Origin", options.Origin);
        }
    }

    public WebSocketState State => _socket.State;

    /// <summary>Set when the server closed the connection or it failed.</summary>
    public bool Dropped { get; private set; }

    /// <summary>Completes when the read loop has ended: the server closed (or reset) the connection.</summary>
    public Task Closed => _closed.Task;

    /// <summary>The status and reason of the server's close frame, once <see cref="Closed"/> completed.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseReason => _socket.CloseStatusDescription;

    public static async Task<ResWebSocket> ConnectAsync(Uri uri, ResWebSocketOptions options, ResFrameHandler onFrame, CancellationToken cancellation = default)
    {
        var client = new ResWebSocket(options, onFrame);
        try
        {
            await client._socket.ConnectAsync(uri, cancellation);
        }
        catch
        {
            // A failed attempt must not keep its socket: at 10,000 clients descriptors are scarce.
            await client.DisposeAsync();
            throw;
        }

        if (options.Read)
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
        var reply = Send(method, parameters, out var sent);
        await sent;
        return await reply.WaitAsync(_options.RequestTimeout);
    }

    /// <summary>Sends a request and returns with its response still to come.</summary>
    public Task<JsonObject> Send(string method, JsonNode? parameters, out Task sent)
    {
        var id = Interlocked.Increment(ref _id);
        var waiting = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = waiting;
        sent = SendTextAsync(Request(id, method, parameters));
        return waiting.Task;
    }

    /// <summary>
    /// For a client connected without reading: sends a request and reads frames by hand up to its answer. Requests
    /// on one connection run concurrently, so a stalled client that must unlock before it subscribes has to see the
    /// unlock answered; after that it can stop reading for good.
    /// </summary>
    public async Task<JsonObject> RequestWithoutReaderAsync(string method, JsonNode? parameters = null)
    {
        var id = Interlocked.Increment(ref _id);
        await SendTextAsync(Request(id, method, parameters));
        using var cts = new CancellationTokenSource(_options.RequestTimeout);
        var buffer = new byte[_options.ReceiveBufferBytes];
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

    public Task SendTextAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendBytesAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        await _sending.WaitAsync();
        try
        {
            await _socket.SendAsync(bytes, type, true, CancellationToken.None);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Resets the TCP connection at once, as a client that vanishes mid-request would.</summary>
    public void Abort() => _socket.Abort();

    private static string Request(int id, string method, JsonNode? parameters)
    {
        var request = new JsonObject { ["id"] = id, ["method"] = method };
        if (parameters is not null)
        {
            request["params"] = parameters;
        }

        return request.ToJsonString();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[_options.ReceiveBufferBytes];
        var message = new ArrayBufferWriter<byte>(Math.Min(_options.ReceiveBufferBytes, 4096));
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    Dropped = true;
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    break;
                }

                message.Write(buffer.AsSpan(0, received.Count));
                if (received.EndOfMessage)
                {
                    Dispatch(message.WrittenSpan, Stopwatch.GetTimestamp());
                    message.Clear();
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            Dropped = true;
        }
        finally
        {
            foreach (var waiting in _waiting.Values)
            {
                waiting.TrySetException(new WebSocketException("The connection closed."));
            }

            _closed.TrySetResult();
        }
    }

    private void Dispatch(ReadOnlySpan<byte> frame, long arrived)
    {
        // Events are most frames under load and are left to the owner unparsed.
        if (!frame.StartsWith(EventStart)
            && JsonNode.Parse(frame) is JsonObject response && response["id"] is JsonValue idValue
            && idValue.TryGetValue<int>(out var id) && _waiting.TryRemove(id, out var waiting))
        {
            waiting.TrySetResult(response);
            return;
        }

        _onFrame(frame, arrived);
    }

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }

        await _reading.WaitAsync(TimeSpan.FromSeconds(5));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync();
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException)
        {
        }

        _socket.Dispose();
        _sending.Dispose();
    }
}
