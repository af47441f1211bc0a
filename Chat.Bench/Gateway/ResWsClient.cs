using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Chat.Bench.Measure;
using Chat.Bench.Res;
using Chat.Client.Envelope;
using Chat.Testing.Res;

namespace Chat.Bench.Gateway;

/// <summary>
/// A page's connection, reduced to what a benchmark needs: <see cref="ResWebSocket"/> with small buffers (many
/// thousands share the client process) and a callback for every <c>messages.add</c> event with its arrival time.
/// </summary>
public sealed class ResWsClient : IAsyncDisposable
{
    private static readonly byte[] AddEventMarker = "messages.add\""u8.ToArray();

    private readonly Action<ResWsClient, string, byte[], long> _onAdd;
    private ResWebSocket _socket = null!;

    private ResWsClient(Action<ResWsClient, string, byte[], long> onAdd)
    {
        _onAdd = onAdd;
    }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>Set when the gateway closed the connection or it failed.</summary>
    public bool Dropped => _socket.Dropped;

    /// <summary>Room this client joined and the member it joined as (set by the scenario).</summary>
    public BenchRoom? Room { get; set; }

    public MemberKey Member { get; } = MemberKey.Create();

    /// <summary>Connects and completes the version handshake, as resclient does first.</summary>
    public static async Task<ResWsClient> ConnectAsync(Uri uri, Action<ResWsClient, string, byte[], long> onAdd, CancellationToken cancellation)
    {
        var client = new ResWsClient(onAdd);
        var options = new ResWebSocketOptions { ReceiveBufferBytes = 4096, KeepAliveInterval = TimeSpan.Zero, RequestTimeout = BenchRequesters.RequestTimeout };
        client._socket = await ResWebSocket.ConnectAsync(uri, options, client.OnFrame, cancellation);
        try
        {
            var version = await client.RequestAsync("version", new JsonObject { ["protocol"] = "1.2.3" });
            if (version["result"] is null)
            {
                throw new InvalidOperationException($"version handshake failed: {version.ToJsonString()}");
            }

            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public Task<JsonObject> RequestAsync(string method, JsonNode? parameters = null) => _socket.RequestAsync(method, parameters);

    /// <summary>Sends a request and returns with its response still to come.</summary>
    public Task<JsonObject> Send(string method, JsonNode? parameters, out Task sent) => _socket.Send(method, parameters, out sent);

    private void OnFrame(ReadOnlySpan<byte> frame, long arrived)
    {
        // Only message adds are timed; other events (participants, change) pass by unparsed.
        if (frame[..Math.Min(frame.Length, 120)].IndexOf(AddEventMarker) >= 0 && MessageIds.FromAddEvent(frame) is { } messageId)
        {
            _onAdd(this, messageId, frame.ToArray(), arrived);
        }
    }

    public ValueTask DisposeAsync() => _socket.DisposeAsync();
}
