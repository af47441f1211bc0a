using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Chat.Client.Envelope;

/// <summary>
/// docs/signatures.md: a member's public signing key, ECDSA P-256, as WebCrypto exports it (<c>raw</c>: the uncompressed
/// point, 0x04 || X || Y, 65 bytes) and written in base64url inside the member's encrypted profile.
/// </summary>
public sealed class MemberPublicKey
{
    public const int Length = 65;

    private static readonly byte[] FingerprintPrefix = Encoding.UTF8.GetBytes("chat/v2/fingerprint|");

    private readonly byte[] _raw;

    private MemberPublicKey(byte[] raw)
    {
        _raw = raw;
        Text = Base64Url.EncodeToString(raw);
    }

    /// <summary>The base64url of the raw point: 87 characters.</summary>
    public string Text { get; }

    public ReadOnlySpan<byte> Raw => _raw;

    /// <summary>
    /// Four groups of five digits that people compare out of band: each group is five bytes of
    /// SHA-256("chat/v2/fingerprint|" || raw key), big-endian, modulo 100,000 (about 66 bits in all).
    /// </summary>
    public string Fingerprint
    {
        get
        {
            var hash = SHA256.HashData([.. FingerprintPrefix, .. _raw]);
            return string.Join(' ', Enumerable.Range(0, 4).Select(group =>
            {
                ulong chunk = 0;
                foreach (var b in hash.AsSpan(group * 5, 5))
                {
                    chunk = (chunk << 8) | b;
                }

                return (chunk % 100_000).ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
            }));
        }
    }

    /// <summary>Reads the text form; false unless it is the canonical base64url of an uncompressed P-256 point on the curve.</summary>
    public static bool TryParse(string? text, out MemberPublicKey key)
    {
        key = null!;
        if (!Base64UrlText.TryDecode(text, Length, out var raw) || raw[0] != 0x04)
        {
            return false;
        }

        try
        {
            using var ecdsa = ECDsa.Create(Parameters(raw));
        }
        catch (CryptographicException)
        {
            return false;
        }

        key = new MemberPublicKey(raw);
        return true;
    }

    internal static MemberPublicKey FromParameters(ECParameters parameters) =>
        new([0x04, .. parameters.Q.X!, .. parameters.Q.Y!]);

    /// <summary>Whether <paramref name="signature"/> (IEEE P1363, r || s, as WebCrypto writes it) signs <paramref name="data"/>.</summary>
    public bool Verifies(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        using var ecdsa = ECDsa.Create(Parameters(_raw));
        return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static ECParameters Parameters(byte[] raw) => new()
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = raw[1..33], Y = raw[33..65] },
    };
}
