using System.Text.Json;

namespace Chat.Tests.Envelope;

/// <summary>
/// Chat.Tests/Envelope/capability-vectors.json: secrets with the access token (hex), proof and room id they
/// derive, and member keys with their member ids (docs/capability.md). The C# tests and the page read the same file.
/// </summary>
internal sealed record CapabilityVectors(IReadOnlyList<RoomVector> Rooms, IReadOnlyList<MemberVector> Members)
{
    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "Envelope", "capability-vectors.json");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static CapabilityVectors Load() => JsonSerializer.Deserialize<CapabilityVectors>(File.ReadAllText(FilePath), Json)!;
}

internal sealed record RoomVector(string Secret, string Access, string Proof, string RoomId);

internal sealed record MemberVector(string MemberKey, string MemberId);
