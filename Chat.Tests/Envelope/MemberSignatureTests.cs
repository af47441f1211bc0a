using System.Text.Json;
using Chat.Client.Envelope;

namespace Chat.Tests.Envelope;

public sealed class MemberSignatureTests
{
    private static readonly SignatureVectors Vectors = SignatureVectors.Load();

    public static TheoryData<int> SignerIndexes() => [.. Enumerable.Range(0, Vectors.Signers.Count)];

    public static TheoryData<int> MessageIndexes() => [.. Enumerable.Range(0, Vectors.Messages.Count)];

    [Theory]
    [MemberData(nameof(SignerIndexes))]
    public void VectorSigner_HasTheVectorPublicKeyAndFingerprint(int index)
    {
        var vector = Vectors.Signers[index];
        using var signer = MemberSigner.FromPrivateScalar(vector.D);

        signer.PublicKey.Text.Should().Be(vector.PublicKey);
        signer.PublicKey.Fingerprint.Should().Be(vector.Fingerprint).And.MatchRegex("^[0-9]{5} [0-9]{5} [0-9]{5} [0-9]{5}$");
        MemberKey.TryParse(vector.MemberKey, out var memberKey).Should().BeTrue();
        memberKey.MemberId.Should().Be(vector.Member);
    }

    [Fact]
    public void VectorProfiles_AreSealedByteForByte_AndOpenWithTheirSigningKey()
    {
        var keys = Vectors.Keys();
        foreach (var vector in Vectors.Profiles)
        {
            var nonce = Convert.FromBase64String(vector.Nonce);
            var box = vector.SigningKey is null
                ? keys.SealProfile(vector.Member, vector.Nick, nonce)
                : keys.SealProfile(vector.Member, vector.Nick, Parse(vector.SigningKey), nonce);

            box.Ciphertext.Should().Be(vector.Ciphertext);
            var profile = keys.OpenMemberProfile(vector.Member, box);
            profile!.Nick.Should().Be(vector.Nick);
            profile.SigningKey?.Text.Should().Be(vector.SigningKey);
            keys.OpenProfile(vector.Member, box).Should().Be(vector.Nick, "a reader that knows only nicknames still reads a version 2 profile");
        }
    }

    [Theory]
    [MemberData(nameof(MessageIndexes))]
    public void VectorMessage_IsSealedByteForByte_AndOpensToItsBody(int index)
    {
        var vector = Vectors.Messages[index];
        var keys = Vectors.Keys();

        var box = keys.SealMessage(vector.Id, vector.ToBody(), Convert.FromBase64String(vector.Nonce));

        box.Ciphertext.Should().Be(vector.Ciphertext);
        keys.OpenMessage(vector.Id, box).Should().Be(vector.ToBody());
    }

    [Fact]
    public void VectorMessages_InTheirOrder_GetTheTrustTheVectorsSay()
    {
        var keys = Vectors.Keys();
        var signingKeys = Vectors.Profiles.ToDictionary(p => p.Member, p => keys.OpenMemberProfile(p.Member, new SealedBox(p.Ciphertext, p.Nonce))!.SigningKey);
        var verifier = new MessageVerifier(Vectors.RoomId);

        var trust = Vectors.Messages.Select(m => verifier.Check(
            m.Id, m.Seq, m.Stamp, keys.OpenMessage(m.Id, new SealedBox(m.Ciphertext, m.Nonce))!, signingKeys.GetValueOrDefault(m.Stamp)));

        trust.Select(t => JsonNamingPolicy.CamelCase.ConvertName(t.ToString())).Should().Equal(Vectors.Messages.Select(m => m.Expected));
        Vectors.Messages.Select(m => m.Expected).Should().Contain(["verified", "notSigned", "stampMismatch", "unknownKey", "badSignature", "counterNotIncreasing"]);
    }

    [Fact]
    public void Signature_IsBoundToRoomMessageIdAndEveryField()
    {
        using var signer = MemberSigner.Create();
        var body = MessageSignature.Sign(signer, Vectors.RoomId, "id-1", new MessageBody("m", "Ada", "hello", "2026-12-02T16:00:00.000Z"));

        body.Version.Should().Be(2);
        body.Counter.Should().Be(1);
        MessageSignature.Verifies(signer.PublicKey, Vectors.RoomId, "id-1", body).Should().BeTrue();
        MessageSignature.Verifies(signer.PublicKey, Guid.NewGuid().ToString(), "id-1", body).Should().BeFalse("another room");
        MessageSignature.Verifies(signer.PublicKey, Vectors.RoomId, "id-2", body).Should().BeFalse("another message id");
        MessageSignature.Verifies(signer.PublicKey, Vectors.RoomId, "id-1", body with { Member = "n" }).Should().BeFalse("another member");
        MessageSignature.Verifies(signer.PublicKey, Vectors.RoomId, "id-1", body with { Nick = "Eve" }).Should().BeFalse("another nickname");
        MessageSignature.Verifies(signer.PublicKey, Vectors.RoomId, "id-1", body with { Text = "hullo" }).Should().BeFalse("another text");
        MessageSignature.Verifies(signer.PublicKey, Vectors.RoomId, "id-1", body with { SentAt = "2026-12-02T16:00:01.000Z" }).Should().BeFalse("another time");
        MessageSignature.Verifies(signer.PublicKey, Vectors.RoomId, "id-1", body with { Counter = 2 }).Should().BeFalse("another counter");
        using var other = MemberSigner.Create();
        MessageSignature.Verifies(other.PublicKey, Vectors.RoomId, "id-1", body).Should().BeFalse("another key");
        MessageSignature.Sign(signer, Vectors.RoomId, "id-2", body).Counter.Should().Be(2, "each message counts one more");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not a key")]
    public void PublicKey_ThatIsNotAPointOnTheCurve_IsRefused(string? text)
    {
        MemberPublicKey.TryParse(text, out _).Should().BeFalse();
    }

    [Fact]
    public void PublicKey_InItsCanonicalTextOnly_IsRead()
    {
        using var signer = MemberSigner.Create();
        MemberPublicKey.TryParse(signer.PublicKey.Text, out var key).Should().BeTrue();
        key.Text.Should().Be(signer.PublicKey.Text);
        MemberPublicKey.TryParse(signer.PublicKey.Text + "=", out _).Should().BeFalse();
        MemberPublicKey.TryParse(signer.PublicKey.Text.Replace('-', '+').Replace('_', '/'), out _).Should().Be(!signer.PublicKey.Text.Any(c => c is '-' or '_'));
    }

    [Fact]
    public void Verifier_ChecksCountersAgainstTheRoomsOrder_InWhateverOrderMessagesArrive()
    {
        using var signer = MemberSigner.Create();
        var verifier = new MessageVerifier(Vectors.RoomId);
        MessageBody Body(string id) => MessageSignature.Sign(signer, Vectors.RoomId, id, new MessageBody("m", "Ada", id, "2026-12-02T16:00:00.000Z"));
        var (one, two, three, four) = (Body("a"), Body("b"), Body("c"), Body("d"));

        verifier.Check("c", 30, "m", three, signer.PublicKey).Should().Be(MessageTrust.Verified);
        verifier.Check("a", 10, "m", one, signer.PublicKey).Should().Be(MessageTrust.Verified, "an older page loaded later");
        verifier.Check("b", 20, "m", two, signer.PublicKey).Should().Be(MessageTrust.Verified);
        verifier.Check("d", 25, "m", four, signer.PublicKey).Should().Be(MessageTrust.CounterNotIncreasing, "counter 4 before counter 3 in the room's order");
        verifier.Check("b", 20, "m", two, signer.PublicKey).Should().Be(MessageTrust.CounterNotIncreasing, "a seq is held once");
        verifier.Check("d", 40, "m", four, signer.PublicKey).Should().Be(MessageTrust.Verified);
        verifier.Check("d", 40, "m", four with { Version = 1 }, signer.PublicKey).Should().Be(MessageTrust.NotSigned);
        verifier.Check("d", 41, "x", four, signer.PublicKey).Should().Be(MessageTrust.StampMismatch);
        verifier.Check("d", 41, "m", four, null).Should().Be(MessageTrust.UnknownKey);
    }

    [Fact]
    public void MessageWithAMalformedCounter_IsUnreadable()
    {
        var keys = Vectors.Keys();
        var body = new MessageBody("m", "Ada", "hello", "2026-12-02T16:00:00.000Z") { Version = 2, Signature = "x" };

        keys.OpenMessage("id", keys.SealMessage("id", body with { Counter = 0 })).Should().BeNull("counters start at 1");
        keys.OpenMessage("id", keys.SealMessage("id", body with { Counter = 1 })).Should().Be(body with { Counter = 1 });
        var tooLarge = () => keys.SealMessage("id", body with { Counter = 1L << 53 });
        tooLarge.Should().Throw<ArgumentException>("a counter the page cannot hold exactly is never written");
    }

    private static MemberPublicKey Parse(string text)
    {
        MemberPublicKey.TryParse(text, out var key).Should().BeTrue();
        return key;
    }
}
