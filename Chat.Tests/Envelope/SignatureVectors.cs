using System.Text.Json;
using Chat.Client.Envelope;

namespace Chat.Tests.Envelope;

/// <summary>
/// Chat.Tests/Envelope/signature-vectors.json (docs/signatures.md): three signers with fixed keys, their profiles (two
/// with a signing key, one without), and ten messages signed in C# with the trust a reader must give each when they
/// arrive in the file's order. The C# tests and the page read the same file.
/// </summary>
internal sealed record SignatureVectors(string Secret, string RoomId, IReadOnlyList<SignerVector> Signers, IReadOnlyList<SignedProfileVector> Profiles, IReadOnlyList<SignedMessageVector> Messages)
{
    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "Envelope", "signature-vectors.json");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static SignatureVectors Load() => JsonSerializer.Deserialize<SignatureVectors>(File.ReadAllText(FilePath), Json)!;

    public RoomKeys Keys()
    {
        RoomSecret.TryParse(Secret, out var secret).Should().BeTrue();
        return RoomKeys.Derive(secret, RoomId);
    }
}

internal sealed record SignerVector(string Member, string MemberKey, string D, string PublicKey, string Fingerprint);

internal sealed record SignedProfileVector(string Member, string Nick, string? SigningKey, string Nonce, string Ciphertext);

internal sealed record SignedMessageVector(string Id, long Seq, string Stamp, string Nonce, SignedBodyVector Body, string Ciphertext, string Expected)
{
    public MessageBody ToBody() => Body.V == 1
        ? new MessageBody(Body.Member, Body.Nick, Body.Text, Body.SentAt)
        : new MessageBody(Body.Member, Body.Nick, Body.Text, Body.SentAt) { Version = 2, Counter = Body.Counter ?? 0, Signature = Body.Sig };
}

internal sealed record SignedBodyVector(int V, string Member, long? Counter, string SentAt, string Nick, string Text, string? Sig);
