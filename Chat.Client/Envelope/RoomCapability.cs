using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Chat.Client.Envelope;

/// <summary>
/// The link is the capability (docs/capability.md). From the secret comes an access token (its own HKDF info,
/// so showing it reveals nothing about the message or profile keys), and from the access token the room id.
/// A room id therefore certifies its secret: whoever shows a token whose id matches holds the link, and the
/// id alone gives nothing. Chat.Web/wwwroot/js/capability.js does the same, byte for byte.
/// </summary>
public static class RoomCapability
{
    public const int AccessLength = 32;

    private static readonly byte[] AccessSalt = Encoding.UTF8.GetBytes(RoomKeys.Version);
    private static readonly byte[] AccessInfo = Encoding.UTF8.GetBytes($"{RoomKeys.Version}/access");
    private static readonly byte[] RoomIdPrefix = Encoding.UTF8.GetBytes($"{RoomKeys.Version}/room-id");

    /// <summary><c>HKDF-SHA256(ikm = secret, salt = "chat/v1", info = "chat/v1/access")</c>, 32 bytes.</summary>
    public static byte[] AccessToken(RoomSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var access = new byte[AccessLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret.Bytes, access, AccessSalt, AccessInfo);
        return access;
    }

    /// <summary>
    /// The first 16 bytes of <c>SHA-256("chat/v1/room-id" || access)</c> with the version and variant bits of
    /// a UUID v4, written in byte order: not through <see cref="Guid"/>, whose first three fields are little-endian.
    /// </summary>
    public static string RoomIdOf(ReadOnlySpan<byte> access)
    {
        if (access.Length != AccessLength)
        {
            throw new ArgumentException($"An access token is {AccessLength} bytes.", nameof(access));
        }

        Span<byte> h = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData([.. RoomIdPrefix, .. access], h);
        h[6] = (byte)((h[6] & 0x0f) | 0x40);
        h[8] = (byte)((h[8] & 0x3f) | 0x80);
        var hex = Convert.ToHexStringLower(h[..16]);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    public static string RoomIdOf(RoomSecret secret) => RoomIdOf(AccessToken(secret));

    /// <summary>What the page shows the server to unlock a room: the access token, base64url without padding.</summary>
    public static string Proof(ReadOnlySpan<byte> access) =>
        access.Length == AccessLength ? Base64Url.EncodeToString(access) : throw new ArgumentException($"An access token is {AccessLength} bytes.", nameof(access));

    public static string Proof(RoomSecret secret) => Proof(AccessToken(secret));

    /// <summary>Whether a link's id is the one its secret derives; a link whose id does not match is damaged.</summary>
    public static bool LinkMatches(string? roomId, RoomSecret secret) => IdMatches(roomId, AccessToken(secret));

    /// <summary>
    /// Whether a proof is the access token of this room: 43 canonical base64url characters whose derived id
    /// equals <paramref name="roomId"/>. Anything else, including another spelling of the same bytes, fails.
    /// </summary>
    public static bool ProofMatches(string? roomId, string? proof) =>
        Base64UrlText.TryDecode(proof, AccessLength, out var access) && IdMatches(roomId, access);

    // Compared in constant time: the expected id comes from a secret, so how long a wrong guess takes to
    // be refused must not say how much of it was right.
    private static bool IdMatches(string? roomId, ReadOnlySpan<byte> access) =>
        roomId is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(RoomIdOf(access)), Encoding.UTF8.GetBytes(roomId));
}
