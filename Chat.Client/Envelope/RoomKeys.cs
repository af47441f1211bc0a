using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Chat.Client.Envelope;

/// <summary>
/// The keys of one room and the envelope (docs/architecture.md, "The envelope"), byte for byte what the page does:
/// HKDF-SHA256 (ikm = secret, salt = "room:{id}", one info per purpose) gives separate AES-256-GCM keys
/// for messages and profiles; AAD binds every ciphertext to its room and its message id or member.
/// </summary>
public sealed class RoomKeys
{
    public const string Version = "chat/v1";
    public const int NonceLength = 12;
    public const int TagLength = 16;

    private readonly byte[] _messageKey;
    private readonly byte[] _profileKey;

    private RoomKeys(string roomId, byte[] messageKey, byte[] profileKey)
    {
        RoomId = roomId;
        _messageKey = messageKey;
        _profileKey = profileKey;
    }

    public string RoomId { get; }

    public static RoomKeys Derive(RoomSecret secret, string roomId)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var salt = Encoding.UTF8.GetBytes($"room:{roomId}");
        return new RoomKeys(
            roomId,
            HKDF.DeriveKey(HashAlgorithmName.SHA256, secret.Bytes.ToArray(), 32, salt, Encoding.UTF8.GetBytes($"{Version}/message")),
            HKDF.DeriveKey(HashAlgorithmName.SHA256, secret.Bytes.ToArray(), 32, salt, Encoding.UTF8.GetBytes($"{Version}/profile")));
    }

    public SealedBox SealMessage(string messageId, MessageBody body) => SealMessage(messageId, body, NewNonce());

    /// <summary>With a given nonce only for test vectors: a nonce must never be used twice under one key.</summary>
    public SealedBox SealMessage(string messageId, MessageBody body, ReadOnlySpan<byte> nonce)
    {
        ArgumentNullException.ThrowIfNull(body);
        var plaintext = body.Version == 2
            ? JsJson.Object(("v", 2), ("member", body.Member), ("counter", body.Counter), ("sentAt", body.SentAt), ("nick", body.Nick), ("text", body.Text), ("sig", body.Signature ?? string.Empty))
            : JsJson.Object(("v", 1), ("member", body.Member), ("nick", body.Nick), ("text", body.Text), ("sentAt", body.SentAt));
        return Seal(_messageKey, plaintext, MessageAad(messageId), nonce);
    }

    /// <summary>The message, or null when it does not decrypt or is neither a v1 nor a v2 message ("unreadable").</summary>
    public MessageBody? OpenMessage(string messageId, SealedBox box)
    {
        using var json = Open(_messageKey, box, MessageAad(messageId));
        if (json is null)
        {
            return null;
        }

        var root = json.RootElement;
        var version = VersionOf(root);
        if (version is not (1 or 2)
            || !TryString(root, "member", out var member)
            || !TryString(root, "nick", out var nick)
            || !TryString(root, "text", out var text)
            || !TryString(root, "sentAt", out var sentAt))
        {
            return null;
        }

        var body = new MessageBody(member, nick, text, sentAt);
        if (version == 1)
        {
            return body;
        }

        return root.TryGetProperty("counter", out var counter) && counter.ValueKind == JsonValueKind.Number
            && counter.TryGetInt64(out var n) && n is >= 1 and <= JsJson.MaxSafeInteger
            && TryString(root, "sig", out var signature)
            ? body with { Version = 2, Counter = n, Signature = signature }
            : null;
    }

    public SealedBox SealProfile(string member, string nick) => SealProfile(member, nick, NewNonce());

    /// <summary>With a given nonce only for test vectors.</summary>
    public SealedBox SealProfile(string member, string nick, ReadOnlySpan<byte> nonce)
    {
        var plaintext = JsJson.Object(("v", 1), ("nick", nick));
        return Seal(_profileKey, plaintext, ProfileAad(member), nonce);
    }

    /// <summary>A version 2 profile: the nickname and the public key the member's messages are signed with.</summary>
    public SealedBox SealProfile(string member, string nick, MemberPublicKey signingKey) => SealProfile(member, nick, signingKey, NewNonce());

    /// <summary>With a given nonce only for test vectors.</summary>
    public SealedBox SealProfile(string member, string nick, MemberPublicKey signingKey, ReadOnlySpan<byte> nonce)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        var plaintext = JsJson.Object(("v", 2), ("nick", nick), ("signingKey", signingKey.Text));
        return Seal(_profileKey, plaintext, ProfileAad(member), nonce);
    }

    /// <summary>The nickname, or null when the profile does not decrypt.</summary>
    public string? OpenProfile(string member, SealedBox box) => OpenMemberProfile(member, box)?.Nick;

    /// <summary>The nickname and, from version 2 on, the signing key; null when the profile does not decrypt.</summary>
    public MemberProfile? OpenMemberProfile(string member, SealedBox box)
    {
        using var json = Open(_profileKey, box, ProfileAad(member));
        if (json is null || !TryString(json.RootElement, "nick", out var nick))
        {
            return null;
        }

        return VersionOf(json.RootElement) switch
        {
            1 => new MemberProfile(nick, null),
            // A key that is not a P-256 point leaves the nickname readable and the member's messages unverifiable.
            2 when TryString(json.RootElement, "signingKey", out var text) => new MemberProfile(nick, MemberPublicKey.TryParse(text, out var key) ? key : null),
            _ => null,
        };
    }

    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceLength);

    private byte[] MessageAad(string messageId) => Encoding.UTF8.GetBytes($"{Version}|{RoomId}|{messageId}");

    private byte[] ProfileAad(string member) => Encoding.UTF8.GetBytes($"{Version}/profile|{RoomId}|{member}");

    private static SealedBox Seal(byte[] key, byte[] plaintext, byte[] aad, ReadOnlySpan<byte> nonce)
    {
        if (nonce.Length != NonceLength)
        {
            throw new ArgumentException($"A nonce is {NonceLength} bytes.", nameof(nonce));
        }

        var padded = Padding.Pad(plaintext);
        var sealedBytes = new byte[padded.Length + TagLength];
        using var aes = new AesGcm(key, TagLength);
        aes.Encrypt(nonce, padded, sealedBytes.AsSpan(0, padded.Length), sealedBytes.AsSpan(padded.Length), aad);
        return new SealedBox(Convert.ToBase64String(sealedBytes), Convert.ToBase64String(nonce));
    }

    private static JsonDocument? Open(byte[] key, SealedBox box, byte[] aad)
    {
        ArgumentNullException.ThrowIfNull(box);
        var sealedBytes = FromBase64(box.Ciphertext);
        var nonce = FromBase64(box.Nonce);
        if (sealedBytes is null || nonce is null || nonce.Length != NonceLength || sealedBytes.Length < TagLength)
        {
            return null;
        }

        var plaintext = new byte[sealedBytes.Length - TagLength];
        try
        {
            using var aes = new AesGcm(key, TagLength);
            aes.Decrypt(nonce, sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length), plaintext, aad);
            return JsonDocument.Parse(plaintext);
        }
        catch (Exception e) when (e is AuthenticationTagMismatchException or JsonException)
        {
            return null;
        }
    }

    private static int VersionOf(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("v", out var v) && v.ValueKind == JsonValueKind.Number
            ? v.GetRawText() switch { "1" => 1, "2" => 2, _ => 0 }
            : 0;

    private static bool TryString(JsonElement root, string name, out string value)
    {
        value = string.Empty;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString()!;
        return true;
    }

    private static byte[]? FromBase64(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }
}
