using System.Text.Json;
using Chat.Client.Envelope;

namespace Chat.Tests.Envelope;

/// <summary>
/// Chat.Tests/Envelope/vectors.json: fixed inputs and the exact ciphertexts both envelopes must produce.
/// The C# tests and the browser test read the same file.
/// </summary>
internal sealed record EnvelopeVectors(string Secret, string RoomId, IReadOnlyList<MessageVector> Messages, IReadOnlyList<ProfileVector> Profiles)
{
    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "Envelope", "vectors.json");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static EnvelopeVectors Load() => JsonSerializer.Deserialize<EnvelopeVectors>(File.ReadAllText(FilePath), Json)!;

    public RoomKeys Keys()
    {
        RoomSecret.TryParse(Secret, out var secret).Should().BeTrue();
        return RoomKeys.Derive(secret, RoomId);
    }
}

internal sealed record MessageVector(string Id, string Nonce, MessageVectorBody Body, string Ciphertext, int PaddedLength)
{
    public MessageBody ToBody() => new(Body.Member, Body.Nick, Body.Text, Body.SentAt);
}

internal sealed record MessageVectorBody(string Member, string Nick, string Text, string SentAt);

internal sealed record ProfileVector(string Member, string Nick, string Nonce, string Ciphertext);
