using System.Text;

namespace Chat.Bench.Res;

/// <summary>
/// The message id in a <c>messages.add</c> event, found without parsing the whole JSON: the first
/// <c>"id":"</c> of the event is the message's (both the NATS event and the WebSocket frame put the
/// message value first), and the event rate of a benchmark makes a full parse per event costly.
/// </summary>
public static class MessageIds
{
    private static readonly byte[] Key = "\"id\":\""u8.ToArray();

    public static string? FromAddEvent(ReadOnlySpan<byte> json)
    {
        var at = json.IndexOf(Key);
        if (at < 0 || at + Key.Length + 36 > json.Length)
        {
            return null;
        }

        return Encoding.ASCII.GetString(json.Slice(at + Key.Length, 36));
    }
}
