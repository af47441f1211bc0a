using System.Buffers;
using System.Buffers.Text;

namespace Chat.Client.Envelope;

/// <summary>Strict base64url for keys and tokens: one text per value, so a value compares equal as text or as bytes.</summary>
internal static class Base64UrlText
{
    /// <summary>
    /// The bytes, or false unless the text is exactly the unpadded base64url of <paramref name="length"/> bytes:
    /// no padding, whitespace or standard alphabet, and no spare bits set in the last character.
    /// </summary>
    public static bool TryDecode(string? text, int length, out byte[] bytes)
    {
        bytes = [];
        if (text is null || text.Length != Base64Url.GetEncodedLength(length) || !text.All(IsBase64UrlChar))
        {
            return false;
        }

        // The OperationStatus overload: TryDecodeFromChars throws, rather than answering false, for spare bits set.
        var decoded = new byte[Base64Url.GetMaxDecodedLength(text.Length)];
        if (Base64Url.DecodeFromChars(text, decoded, out _, out var written) != OperationStatus.Done || written != length
            || Base64Url.EncodeToString(decoded.AsSpan(0, length)) != text)
        {
            return false;
        }

        bytes = decoded[..length];
        return true;
    }

    private static bool IsBase64UrlChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}
