using System.Security.Cryptography;
using Chat.Client.Envelope;

namespace Chat.Bench.Res;

/// <summary>
/// A room as a page holds it: its id, the keys derived from its link secret, and one member. Every
/// ciphertext the benchmark sends is a real envelope (<see cref="RoomKeys"/>, byte-identical with the
/// browser's), so sizes and padding are what users produce.
/// </summary>
public sealed class BenchRoom
{
    private int _sent;

    public BenchRoom()
    {
        Id = Guid.NewGuid().ToString();
        Keys = RoomKeys.Derive(RoomSecret.Create(), Id);
        Member = NewMember();
    }

    public string Id { get; }

    public RoomKeys Keys { get; }

    public string Member { get; }

    public static string NewMember() => "m_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant();

    /// <summary>A message of ordinary length (padded by the envelope to its 256-byte bucket).</summary>
    public (string Id, SealedBox Box) SealMessage(string member)
    {
        var id = Guid.NewGuid().ToString();
        var n = Interlocked.Increment(ref _sent);
        var body = new MessageBody(member, "bench", $"Message {n} of a benchmark conversation, about as long as a chat line.",
            MessageBody.FormatTime(DateTimeOffset.UtcNow));
        return (id, Keys.SealMessage(id, body));
    }

    public SealedBox SealProfile(string member) => Keys.SealProfile(member, "bench-" + member[^4..]);
}
