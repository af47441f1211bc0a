using System.Net.WebSockets;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Chat.Testing.Res;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Gateway;

/// <summary>A raw RES client over WebSocket for the tests: <see cref="ResWebSocket"/> with its events and id-less frames queued.</summary>
public sealed class WsClient : IAsyncDisposable
{
    private readonly Channel<JsonObject> _events = Channel.CreateUnbounded<JsonObject>();
    private readonly Channel<JsonObject> _idless = Channel.CreateUnbounded<JsonObject>();
    private ResWebSocket _socket = null!;

    private WsClient()
    {
    }

    public WebSocketState State => _socket.State;

    /// <summary>Completes when the read loop has ended: the server closed (or reset) the connection.</summary>
    public Task Closed => _socket.Closed;

    /// <summary>The status and reason of the server's close frame, once <see cref="Closed"/> completed.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseReason => _socket.CloseReason;

    public static async Task<WsClient> ConnectAsync(Uri uri, bool read = true, string? origin = null)
    {
        var client = new WsClient();
        client._socket = await ResWebSocket.ConnectAsync(uri, new ResWebSocketOptions { Read = read, Origin = origin }, client.OnFrame);
        return client;
    }

    /// <summary>Tries an upgrade that the server should refuse; returns the HTTP status it answered with.</summary>
    public static Task<System.Net.HttpStatusCode> RefusedUpgradeAsync(Uri uri, string? origin = null) => ResWebSocket.RefusedUpgradeAsync(uri, origin);

    public Task<JsonObject> RequestAsync(string method, JsonNode? parameters = null) => _socket.RequestAsync(method, parameters);

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

    /// <inheritdoc cref="ResWebSocket.RequestWithoutReaderAsync"/>
    public Task<JsonObject> RequestWithoutReaderAsync(string method, JsonNode? parameters = null) => _socket.RequestWithoutReaderAsync(method, parameters);

    public Task SendRawAsync(string text) => _socket.SendTextAsync(text);

    public Task SendBytesAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text) => _socket.SendBytesAsync(bytes, type);

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

    public List<string> DrainIdless() => Drain(_idless).Select(frame => frame.ToJsonString()).ToList();

    /// <summary>Every event received so far, without waiting.</summary>
    public List<JsonObject> DrainEvents() => Drain(_events);

    public async Task<JsonObject> NextIdlessAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await _idless.Reader.ReadAsync(cts.Token);
    }

    public Task CloseAsync() => _socket.CloseAsync();

    public ValueTask DisposeAsync() => _socket.DisposeAsync();

    private void OnFrame(ReadOnlySpan<byte> frame, long arrived)
    {
        var json = (JsonObject)JsonNode.Parse(frame)!;
        (json["event"] is not null ? _events : _idless).Writer.TryWrite(json);
    }

    private static List<JsonObject> Drain(Channel<JsonObject> channel)
    {
        var all = new List<JsonObject>();
        while (channel.Reader.TryRead(out var frame))
        {
            all.Add(frame);
        }

        return all;
    }
}
