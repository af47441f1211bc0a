using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Chat.Client.Envelope;

/// <summary>
/// docs/capability.md, "Member keys": each tab's random 32-byte key. Only its holder can act as the member; everyone else
/// sees just the member id, a hash of the key, which is of no use for joining, leaving or sending as them.
/// Chat.Web/wwwroot/js/capability.js does the same, byte for byte.
/// </summary>
public sealed class MemberKey
{
    public const int Length = 32;

    /// <summary>22 base64url characters: 132 bits of the hash, inside the member id format of the RES calls.</summary>
    public const int IdLength = 22;

    private static readonly byte[] IdPrefix = Encoding.UTF8.GetBytes($"{RoomKeys.Version}/member");

    private readonly byte[] _bytes;

    private MemberKey(byte[] bytes)
    {
        _bytes = bytes;
        MemberId = MemberIdOf(bytes);
    }

    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary><c>base64url(SHA-256("chat/v1/member" || key))</c>, first 22 characters.</summary>
    public string MemberId { get; }

    public static MemberKey Create() => new(RandomNumberGenerator.GetBytes(Length));

    public static MemberKey FromBytes(ReadOnlySpan<byte> bytes) =>
        bytes.Length == Length ? new(bytes.ToArray()) : throw new ArgumentException($"A member key is {Length} bytes.", nameof(bytes));

    /// <summary>Reads the text form; false for anything but 43 canonical base64url characters.</summary>
    public static bool TryParse(string? text, out MemberKey key)
    {
        key = null!;
        if (!Base64UrlText.TryDecode(text, Length, out var bytes))
        {
            return false;
        }

        key = new MemberKey(bytes);
        return true;
    }

    public static string MemberIdOf(ReadOnlySpan<byte> memberKey)
    {
        if (memberKey.Length != Length)
        {
            throw new ArgumentException($"A member key is {Length} bytes.", nameof(memberKey));
        }

        return Base64Url.EncodeToString(SHA256.HashData([.. IdPrefix, .. memberKey]))[..IdLength];
    }

    /// <summary>The key as base64url without padding (43 characters): what the tab keeps and sends, never shows.</summary>
    public override string ToString() => Base64Url.EncodeToString(_bytes);
}
