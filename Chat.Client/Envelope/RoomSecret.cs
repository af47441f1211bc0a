using System.Buffers.Text;
using System.Security.Cryptography;

namespace Chat.Client.Envelope;

/// <summary>
/// The 32 random bytes behind <c>#secret</c> in a room link, written as base64url without padding
/// (43 characters). Only browsers and these clients ever hold it.
/// </summary>
public sealed class RoomSecret
{
    public const int Length = 32;

    private readonly byte[] _bytes;

    private RoomSecret(byte[] bytes) => _bytes = bytes;

    public ReadOnlySpan<byte> Bytes => _bytes;

    public static RoomSecret Create() => new(RandomNumberGenerator.GetBytes(Length));

    public static RoomSecret FromBytes(ReadOnlySpan<byte> bytes) =>
        bytes.Length == Length ? new(bytes.ToArray()) : throw new ArgumentException($"A room secret is {Length} bytes.", nameof(bytes));

    /// <summary>Reads a fragment; false for anything but 43 base64url characters that decode to 32 bytes.</summary>
    public static bool TryParse(string? fragment, out RoomSecret secret)
    {
        secret = null!;
        if (fragment is null || fragment.Length != 43 || !fragment.All(IsBase64UrlChar))
        {
            return false;
        }

        // 43 characters carry two spare bits; a fragment with them set is not the canonical form of any secret.
        var bytes = new byte[Length + 1];
        var standard = fragment.Replace('-', '+').Replace('_', '/') + "=";
        if (!Convert.TryFromBase64String(standard, bytes, out var written) || written != Length
            || Base64Url.EncodeToString(bytes.AsSpan(0, Length)) != fragment)
        {
            return false;
        }

        secret = new RoomSecret(bytes[..Length]);
        return true;
    }

    public override string ToString() => Base64Url.EncodeToString(_bytes);

    private static bool IsBase64UrlChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}
