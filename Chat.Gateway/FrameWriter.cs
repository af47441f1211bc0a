using System.Net.WebSockets;
using System.Threading.Channels;

namespace Chat.Gateway;

/// <summary>
/// The one writer of a client's socket: frames are queued without blocking and written in order.
/// The queue is bounded in bytes, not frames (one frame may be a whole window of messages): a
/// client that lets more than the limit pile up is cut off rather than buffered for. A close is
/// queued like a frame, so it follows everything sent before it and never races a write.
/// </summary>
internal sealed class FrameWriter(WebSocket socket, long limitBytes)
{
    private readonly Channel<Outgoing> _queue = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private long _queuedBytes;
    private int _stopped;

    /// <summary>Raised once when the client fell further behind than the limit and was cut off.</summary>
    public event Action? Overflowed;

    /// <summary>Raised when our close frame has gone out; the reader then waits a short while for the client's.</summary>
    public event Action? CloseSent;

    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    /// <summary>Queues a frame; false when the writer has stopped or the client was just cut off for falling behind.</summary>
    public bool TryWrite(byte[] frame)
    {
        if (Volatile.Read(ref _stopped) != 0)
        {
            return false;
        }

        // An empty queue takes any frame, so a response larger than the limit can still be delivered once.
        var queued = Interlocked.Add(ref _queuedBytes, frame.Length);
        if (queued > limitBytes && queued != frame.Length)
        {
            Interlocked.Add(ref _queuedBytes, -frame.Length);
            if (Stop())
            {
                _queue.Writer.TryComplete();
                socket.Abort();
                Overflowed?.Invoke();
            }

            return false;
        }

        return _queue.Writer.TryWrite(new Outgoing(frame, null, null));
    }

    /// <summary>Writes what is queued, then a close frame with a reason the client can read.</summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        if (Stop())
        {
            _queue.Writer.TryWrite(new Outgoing(null, status, reason));
            _queue.Writer.TryComplete();
        }
    }

    /// <summary>No more frames: the reader has ended.</summary>
    public void Complete()
    {
        if (Stop())
        {
            _queue.Writer.TryComplete();
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(cancellationToken))
            {
                if (item.Frame is { } frame)
                {
                    await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                    Interlocked.Add(ref _queuedBytes, -frame.Length);
                }
                else if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync(item.Status!.Value, item.Reason, cancellationToken);
                    CloseSent?.Invoke();
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private bool Stop() => Interlocked.Exchange(ref _stopped, 1) == 0;

    private readonly record struct Outgoing(byte[]? Frame, WebSocketCloseStatus? Status, string? Reason);
}
