using System.Globalization;
using System.Text;

namespace Chat.Nats;

/// <summary>
/// The RES service protocol's pre-response, <c>timeout:"15000"</c>: not JSON, by the protocol's definition, and sent
/// before the reply to ask the requester to wait that much longer. The room service writes it; the gateway and the
/// test and benchmark requesters read it the same way, as Resgate does.
/// </summary>
public static class ResPreResponse
{
    private const string TimeoutKey = "timeout:\"";

    public static byte[] Timeout(TimeSpan extension) =>
        Encoding.UTF8.GetBytes($"{TimeoutKey}{((long)extension.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}\"");

    /// <summary>A reply is a pre-response when it starts with a letter: a response is always a JSON object.</summary>
    public static bool Is(ReadOnlySpan<byte> data) => data.Length > 0 && char.IsAsciiLetter((char)data[0]);

    /// <summary>Reads the wait a pre-response asks for; other keys of a pre-response are ignored, as in Resgate.</summary>
    public static bool TryReadTimeout(string text, out TimeSpan extension)
    {
        extension = default;
        var start = text.IndexOf(TimeoutKey, StringComparison.Ordinal);
        if (start < 0)
        {
            return false;
        }

        var end = text.IndexOf('"', start + TimeoutKey.Length);
        if (end < 0 || !long.TryParse(text.AsSpan(start + TimeoutKey.Length, end - start - TimeoutKey.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return false;
        }

        extension = TimeSpan.FromMilliseconds(ms);
        return true;
    }
}
