using System.Buffers.Text;
using System.Security.Cryptography;

namespace Chat.Client.Envelope;

/// <summary>
/// docs/signatures.md: one tab's signing key pair, ECDSA P-256 with SHA-256 (what every browser's WebCrypto has), and
/// the counter of the messages it signed. The page keeps its private key non-extractable; this twin serves test and
/// benchmark clients and the fixed vectors.
/// </summary>
public sealed class MemberSigner : IDisposable
{
    private readonly ECDsa _key;
    private long _counter;

    private MemberSigner(ECDsa key)
    {
        _key = key;
        PublicKey = MemberPublicKey.FromParameters(key.ExportParameters(includePrivateParameters: false));
    }

    public MemberPublicKey PublicKey { get; }

    public static MemberSigner Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>A fixed key for test vectors: the private scalar <c>d</c> in base64url, as in a JWK.</summary>
    public static MemberSigner FromPrivateScalar(string d)
    {
        var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = Base64Url.DecodeFromChars(d) });
        return new(key);
    }

    /// <summary>The private scalar, for writing test vectors only.</summary>
    public string ExportPrivateScalar() => Base64Url.EncodeToString(_key.ExportParameters(includePrivateParameters: true).D);

    /// <summary>The next counter: 1 for the first message, one more for each after it.</summary>
    public long NextCounter() => Interlocked.Increment(ref _counter);

    /// <summary>IEEE P1363 (r || s, 64 bytes), as WebCrypto writes it; a fresh random nonce each time.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) =>
        _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public void Dispose() => _key.Dispose();
}
