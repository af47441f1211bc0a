using System.Text.RegularExpressions;
using Chat.Actors.Rooms;
using Chat.Client.Envelope;

namespace Chat.Tests.Envelope;

public sealed partial class RoomCapabilityTests
{
    private static readonly CapabilityVectors Vectors = CapabilityVectors.Load();

    public static TheoryData<int> RoomIndexes() => [.. Enumerable.Range(0, Vectors.Rooms.Count)];

    public static TheoryData<int> MemberIndexes() => [.. Enumerable.Range(0, Vectors.Members.Count)];

    [Theory]
    [MemberData(nameof(RoomIndexes))]
    public void AccessToken_ProofAndRoomId_OfVectorSecret_AreTheVectorsByteForByte(int index)
    {
        var vector = Vectors.Rooms[index];
        var secret = Secret(vector.Secret);

        var access = RoomCapability.AccessToken(secret);

        Convert.ToHexStringLower(access).Should().Be(vector.Access);
        RoomCapability.Proof(access).Should().Be(vector.Proof);
        RoomCapability.Proof(secret).Should().Be(vector.Proof);
        RoomCapability.RoomIdOf(access).Should().Be(vector.RoomId);
        RoomCapability.RoomIdOf(secret).Should().Be(vector.RoomId);
    }

    [Theory]
    [MemberData(nameof(RoomIndexes))]
    public void VectorLink_Matches_AndItsProofUnlocksItsRoom(int index)
    {
        var vector = Vectors.Rooms[index];

        RoomCapability.LinkMatches(vector.RoomId, Secret(vector.Secret)).Should().BeTrue();
        RoomCapability.ProofMatches(vector.RoomId, vector.Proof).Should().BeTrue();
    }

    [Fact]
    public void RoomIdOf_ManySecrets_IsALowercaseUuidV4_InTheRoomIdFormat()
    {
        for (var i = 0; i < 200; i++)
        {
            var id = RoomCapability.RoomIdOf(RoomSecret.Create());

            RoomIds.IsValidRoomId(id).Should().BeTrue($"{id} is a room id");
            Guid.ParseExact(id, "D").ToString().Should().Be(id, "it is a canonical lowercase UUID");
        }
    }

    [Fact]
    public void RoomIdOf_WritesTheHashBytesInOrder_NotGuidsLittleEndianFields()
    {
        // 0b03686b-316a-4ab7-...: .NET's Guid(byte[]) would have written the first field as 6b68030b.
        var id = RoomCapability.RoomIdOf(Convert.FromHexString(Vectors.Rooms[1].Access));

        id.Should().StartWith("0b03686b-316a-4ab7-");
        new Guid(Convert.FromHexString(id.Replace("-", string.Empty, StringComparison.Ordinal))).ToString().Should().NotBe(id);
    }

    [Theory]
    [MemberData(nameof(RoomIndexes))]
    public void LinkMatches_WithAnyIdCharacterChanged_IsFalse(int index)
    {
        var vector = Vectors.Rooms[index];
        var secret = Secret(vector.Secret);

        foreach (var tampered in Tampered(vector.RoomId))
        {
            RoomCapability.LinkMatches(tampered, secret).Should().BeFalse($"{tampered} is not {vector.RoomId}");
        }
    }

    [Fact]
    public void LinkMatches_OfAnotherIdOrNoId_IsFalse()
    {
        var secret = Secret(Vectors.Rooms[0].Secret);

        RoomCapability.LinkMatches(Vectors.Rooms[1].RoomId, secret).Should().BeFalse("another vector's id");
        RoomCapability.LinkMatches(Guid.NewGuid().ToString(), secret).Should().BeFalse("a random id");
        RoomCapability.LinkMatches(Vectors.Rooms[0].RoomId.ToUpperInvariant(), secret).Should().BeFalse("only the lowercase form is the id");
        RoomCapability.LinkMatches(Vectors.Rooms[0].RoomId + " ", secret).Should().BeFalse("a longer id");
        RoomCapability.LinkMatches(string.Empty, secret).Should().BeFalse();
        RoomCapability.LinkMatches(null, secret).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(RoomIndexes))]
    public void LinkMatches_WithAnySecretBitFlipped_IsFalse(int index)
    {
        var vector = Vectors.Rooms[index];
        var bytes = Secret(vector.Secret).Bytes.ToArray();

        for (var bit = 0; bit < RoomSecret.Length * 8; bit++)
        {
            var flipped = (byte[])bytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));

            RoomCapability.LinkMatches(vector.RoomId, RoomSecret.FromBytes(flipped)).Should().BeFalse($"bit {bit} of the secret changed");
        }
    }

    [Fact]
    public void ProofMatches_OfAnotherRoomsProof_OrATamperedProof_IsFalse()
    {
        var vector = Vectors.Rooms[0];
        var access = Convert.FromHexString(vector.Access);
        access[^1] ^= 1;

        RoomCapability.ProofMatches(vector.RoomId, Vectors.Rooms[1].Proof).Should().BeFalse("another room's proof");
        RoomCapability.ProofMatches(vector.RoomId, RoomCapability.Proof(access)).Should().BeFalse("one bit changed");
        RoomCapability.ProofMatches(vector.RoomId, vector.Secret).Should().BeFalse("the secret is not the proof");
        RoomCapability.ProofMatches(Vectors.Rooms[1].RoomId, vector.Proof).Should().BeFalse("the proof of another room");
    }

    [Theory]
    [InlineData(null, "no proof")]
    [InlineData("", "empty")]
    [InlineData("t-ENLVMUVkWyDXg9WSAgRTXZP2ZwtVcBxsvcOb6qqoM=", "padded")]
    [InlineData("t+ENLVMUVkWyDXg9WSAgRTXZP2ZwtVcBxsvcOb6qqoM", "the standard alphabet")]
    [InlineData("t-ENLVMUVkWyDXg9WSAgRTXZP2ZwtVcBxsvcOb6qqoN", "spare bits set: another spelling of the same bytes")]
    [InlineData("t-ENLVMUVkWyDXg9WSAgRTXZP2ZwtVcBxsvcOb6qqo", "42 characters")]
    [InlineData(" t-ENLVMUVkWyDXg9WSAgRTXZP2ZwtVcBxsvcOb6qqo", "whitespace")]
    [InlineData("t-ENLVMUVkWyDXg9WSAgRTXZP2ZwtVcBxsvcOb6qqoMAA", "more than 32 bytes")]
    public void ProofMatches_OfAnythingButTheCanonicalProof_IsFalse(string? proof, string because) =>
        RoomCapability.ProofMatches(Vectors.Rooms[0].RoomId, proof).Should().BeFalse(because);

    [Fact]
    public void RoomIdOfAndProof_OfAnAccessTokenThatIsNot32Bytes_Throw()
    {
        FluentActions.Invoking(() => RoomCapability.RoomIdOf(new byte[31])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => RoomCapability.Proof(new byte[33])).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void AccessToken_IsNeitherTheSecretNorAnEncryptionKey()
    {
        // The access token is shown to the server; the message and profile keys come from other HKDF inputs.
        var secret = Secret(Vectors.Rooms[0].Secret);
        var access = RoomCapability.AccessToken(secret);

        access.Should().NotEqual(secret.Bytes.ToArray());
        RoomCapability.AccessToken(secret).Should().Equal(access, "the derivation is deterministic");
        RoomCapability.AccessToken(Secret(Vectors.Rooms[1].Secret)).Should().NotEqual(access);
    }

    [Theory]
    [MemberData(nameof(MemberIndexes))]
    public void MemberId_OfVectorMemberKey_IsTheVector(int index)
    {
        var vector = Vectors.Members[index];

        MemberKey.TryParse(vector.MemberKey, out var key).Should().BeTrue();

        key.MemberId.Should().Be(vector.MemberId);
        MemberKey.MemberIdOf(key.Bytes).Should().Be(vector.MemberId);
        MemberKey.FromBytes(key.Bytes).MemberId.Should().Be(vector.MemberId);
        key.ToString().Should().Be(vector.MemberKey);
    }

    [Fact]
    public void MemberId_OfNewKeys_Is22Base64UrlChars_InTheMemberIdFormat_AndDiffers()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 200; i++)
        {
            var key = MemberKey.Create();

            key.MemberId.Should().MatchRegex(MemberIdText().ToString());
            RoomIds.IsValidMemberId(key.MemberId).Should().BeTrue();
            key.MemberId.Should().NotBe(key.ToString()[..MemberKey.IdLength], "the id is a hash of the key, not the key");
            ids.Add(key.MemberId).Should().BeTrue("every new key has an id of its own");
        }
    }

    [Fact]
    public void Create_WritesA43CharMemberKeyThatParsesBack()
    {
        var key = MemberKey.Create();

        key.ToString().Should().HaveLength(43);
        MemberKey.TryParse(key.ToString(), out var parsed).Should().BeTrue();
        parsed.Bytes.ToArray().Should().Equal(key.Bytes.ToArray());
        parsed.MemberId.Should().Be(key.MemberId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("QypyrWb3OgiyMoZQ4S-UiL")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdH+8")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8A")]
    public void TryParse_OfAnythingButA43CharCanonicalMemberKey_Fails(string? text) =>
        MemberKey.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void MemberKeyOfAnotherLength_Throws()
    {
        FluentActions.Invoking(() => MemberKey.FromBytes(new byte[16])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => MemberKey.MemberIdOf(new byte[33])).Should().Throw<ArgumentException>();
    }

    private static RoomSecret Secret(string text)
    {
        RoomSecret.TryParse(text, out var secret).Should().BeTrue();
        return secret;
    }

    // Every position of the id with its character swapped for another hex digit (dashes for a digit).
    private static IEnumerable<string> Tampered(string roomId)
    {
        for (var i = 0; i < roomId.Length; i++)
        {
            var chars = roomId.ToCharArray();
            chars[i] = chars[i] switch { '-' => '0', '0' => '1', _ => '0' };
            yield return new string(chars);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{22}$", RegexOptions.CultureInvariant)]
    private static partial Regex MemberIdText();
}
