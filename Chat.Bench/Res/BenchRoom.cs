using System.Collections.Concurrent;
using Chat.Client.Envelope;

namespace Chat.Bench.Res;

/// <summary>
/// A room as a page holds it: its id and proof, both derived from its link secret as the landing page
/// derives them, the keys derived from the same secret, and one member (by its key). Every
/// ciphertext the benchmark sends is a real envelope (<see cref="RoomKeys"/>, byte-identical with the
/// browser's), so sizes and padding are what users produce.
/// </summary>
public sealed class BenchRoom
{
    private readonly ConcurrentDictionary<string, MemberSigner> _signers = new(StringComparer.Ordinal);
    private int _sent;

    public BenchRoom()
    {
        var secret = RoomSecret.Create();
        Id = RoomCapability.RoomIdOf(secret);
        Proof = RoomCapability.Proof(secret);
        Keys = RoomKeys.Derive(secret, Id);
        Member = MemberKey.Create();
    }

    public string Id { get; }

    /// <summary>What <c>auth.room.{id}.unlock</c> takes.</summary>
    public string Proof { get; }

    public RoomKeys Keys { get; }

    public MemberKey Member { get; }

    /// <summary>
    /// A message of ordinary length, signed as the page signs it (docs/signatures.md), so the ciphertext has the size
    /// a page's has (its 512-byte bucket) and the generator does the signing work a page does.
    /// </summary>
    public (string Id, SealedBox Box) SealMessage(MemberKey member)
    {
        var id = Guid.NewGuid().ToString();
        var n = Interlocked.Increment(ref _sent);
        var body = new MessageBody(member.MemberId, "bench", $"Message {n} of a benchmark conversation, about as long as a chat line.",
            MessageBody.FormatTime(DateTimeOffset.UtcNow));
        return (id, Keys.SealMessage(id, MessageSignature.Sign(SignerOf(member), Id, id, body)));
    }

    /// <summary>A version 2 profile with the member's signing key, as the page seals it.</summary>
    public SealedBox SealProfile(MemberKey member) => Keys.SealProfile(member.MemberId, "bench-" + member.MemberId[^4..], SignerOf(member).PublicKey);

    private MemberSigner SignerOf(MemberKey member) => _signers.GetOrAdd(member.MemberId, _ => MemberSigner.Create());
}
