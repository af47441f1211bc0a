using Chat.Client.Envelope;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Envelope;

public sealed class RoomKeysTests
{
    private static readonly EnvelopeVectors Vectors = EnvelopeVectors.Load();

    public static TheoryData<int> MessageIndexes() => [.. Enumerable.Range(0, Vectors.Messages.Count)];

    public static TheoryData<int> ProfileIndexes() => [.. Enumerable.Range(0, Vectors.Profiles.Count)];

    [Theory]
    [MemberData(nameof(MessageIndexes))]
    public void SealMessage_WithVectorNonce_ProducesTheVectorCiphertextByteForByte(int index)
    {
        var vector = Vectors.Messages[index];

        var box = Vectors.Keys().SealMessage(vector.Id, vector.ToBody(), Convert.FromBase64String(vector.Nonce));

        box.Should().Be(new SealedBox(vector.Ciphertext, vector.Nonce));
        (Convert.FromBase64String(box.Ciphertext).Length - RoomKeys.TagLength).Should().Be(vector.PaddedLength);
    }

    [Theory]
    [MemberData(nameof(MessageIndexes))]
    public void OpenMessage_OfVectorCiphertext_GivesTheVectorBody(int index)
    {
        var vector = Vectors.Messages[index];

        Vectors.Keys().OpenMessage(vector.Id, new SealedBox(vector.Ciphertext, vector.Nonce)).Should().Be(vector.ToBody());
    }

    [Theory]
    [MemberData(nameof(ProfileIndexes))]
    public void SealProfile_WithVectorNonce_ProducesTheVectorCiphertext_AndOpensBack(int index)
    {
        var vector = Vectors.Profiles[index];
        var keys = Vectors.Keys();

        var box = keys.SealProfile(vector.Member, vector.Nick, Convert.FromBase64String(vector.Nonce));

        box.Should().Be(new SealedBox(vector.Ciphertext, vector.Nonce));
        keys.OpenProfile(vector.Member, box).Should().Be(vector.Nick);
    }

    [Fact]
    public void OpenMessage_UnderAnotherSecret_IsUnreadable()
    {
        var vector = Vectors.Messages[0];
        var wrong = RoomKeys.Derive(RoomSecret.Create(), Vectors.RoomId);

        wrong.OpenMessage(vector.Id, new SealedBox(vector.Ciphertext, vector.Nonce)).Should().BeNull();
    }

    [Fact]
    public void OpenMessage_MovedToAnotherIdOrRoom_IsUnreadable()
    {
        var vector = Vectors.Messages[0];
        var box = new SealedBox(vector.Ciphertext, vector.Nonce);
        RoomSecret.TryParse(Vectors.Secret, out var secret).Should().BeTrue();

        Vectors.Keys().OpenMessage(Vectors.Messages[1].Id, box).Should().BeNull("the AAD binds the message id");
        RoomKeys.Derive(secret, TestPayloads.NewRoomId()).OpenMessage(vector.Id, box).Should().BeNull("the salt and AAD bind the room");
    }

    [Fact]
    public void OpenProfile_UnderAnotherMember_IsUnreadable()
    {
        var vector = Vectors.Profiles[0];

        Vectors.Keys().OpenProfile(Vectors.Profiles[1].Member, new SealedBox(vector.Ciphertext, vector.Nonce)).Should().BeNull();
    }

    [Theory]
    [InlineData("", "not base64")]
    [InlineData("AAAA", "shorter than a tag")]
    [InlineData("!!!!", "not base64")]
    public void OpenMessage_OfGarbage_IsUnreadable(string ciphertext, string because)
    {
        Vectors.Keys().OpenMessage(Vectors.Messages[0].Id, new SealedBox(ciphertext, Vectors.Messages[0].Nonce)).Should().BeNull(because);
    }

    [Fact]
    public void SealMessage_TwiceWithFreshNonces_GivesDifferentCiphertexts_ThatBothOpen()
    {
        var keys = Vectors.Keys();
        var body = Vectors.Messages[0].ToBody();

        var first = keys.SealMessage("id", body);
        var second = keys.SealMessage("id", body);

        first.Nonce.Should().NotBe(second.Nonce);
        keys.OpenMessage("id", first).Should().Be(body);
        keys.OpenMessage("id", second).Should().Be(body);
    }

    [Theory]
    [InlineData(0, 256)]
    [InlineData(1, 256)]
    [InlineData(256, 256)]
    [InlineData(257, 512)]
    [InlineData(4096, 4096)]
    [InlineData(4097, 8192)]
    [InlineData(8193, 16384)]
    public void BucketFor_StepsBy256UpTo4KiB_ThenDoubles(int length, int bucket) =>
        Padding.BucketFor(length).Should().Be(bucket);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("q0T3b7rVtZzWm9a6m1c2xQwErTyUiOpAsDfGhJkLzX")]
    [InlineData("q0T3b7rVtZzWm9a6m1c2xQwErTyUiOpAsDfGhJkLzXcA")]
    [InlineData("q0T3b7rVtZzWm9a6m1c2xQwErTyUiOpAsDfGhJkLzXd")]
    [InlineData("q0T3b7rVtZzWm9a6m1c2xQwErTyUiOpAsDfGhJkL+Xc")]
    public void TryParse_OfAnythingButA43CharCanonicalSecret_Fails(string? fragment) =>
        RoomSecret.TryParse(fragment, out _).Should().BeFalse();

    [Fact]
    public void Create_WritesA43CharSecretThatParsesBack()
    {
        var secret = RoomSecret.Create();

        secret.ToString().Should().HaveLength(43);
        RoomSecret.TryParse(secret.ToString(), out var parsed).Should().BeTrue();
        parsed.Bytes.ToArray().Should().Equal(secret.Bytes.ToArray());
    }
}
