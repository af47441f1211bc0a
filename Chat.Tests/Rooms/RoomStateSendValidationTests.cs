using Chat.Actors.Rooms;
using FluentAssertions;
using Xunit;
using static Chat.Tests.Rooms.RoomStateFixtures;

namespace Chat.Tests.Rooms;

/// <summary>Every malformed parameter is answered with system.invalidParams and no events.</summary>
public sealed class RoomStateSendValidationTests
{
    private const string GoodId = "0b6f3c1e-2d4a-4f8b-9c7d-1e2f3a4b5c6d";

    // 16 zero bytes encode as 22 'A's and "=="; 17 zero bytes as 23 'A's and "=".
    private const string SixteenZeroBytes = "AAAAAAAAAAAAAAAAAAAAAA==";

    private static readonly string Ciphertext = ValidCiphertext;
    private static readonly string Nonce = ValidNonce;

    /// <summary>case, id, ciphertext, nonce, member.</summary>
    public static TheoryData<string, string?, string?, string?, string?> InvalidSends => new()
    {
        // id
        { "missing id", null, Ciphertext, Nonce, Alice },
        { "empty id", string.Empty, Ciphertext, Nonce, Alice },
        { "id not a UUID", "not-a-uuid-at-all", Ciphertext, Nonce, Alice },
        { "UUID v1 id", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", Ciphertext, Nonce, Alice },
        { "UUID v4 id with wrong variant", "0b6f3c1e-2d4a-4f8b-cc7d-1e2f3a4b5c6d", Ciphertext, Nonce, Alice },
        { "nil UUID id", "00000000-0000-0000-0000-000000000000", Ciphertext, Nonce, Alice },
        { "id without hyphens", "0b6f3c1e2d4a4f8b9c7d1e2f3a4b5c6d", Ciphertext, Nonce, Alice },
        { "id in braces", "{0b6f3c1e-2d4a-4f8b-9c7d-1e2f3a4b5c6d}", Ciphertext, Nonce, Alice },
        { "id with surrounding spaces", " 0b6f3c1e-2d4a-4f8b-9c7d-1e2f3a4b5c6d ", Ciphertext, Nonce, Alice },
        { "id with non-hex digit", "0b6f3c1e-2d4a-4f8b-9c7d-1e2f3a4b5c6g", Ciphertext, Nonce, Alice },

        // presence of the box
        { "missing ciphertext", GoodId, null, Nonce, Alice },
        { "missing nonce", GoodId, Ciphertext, null, Alice },
        { "empty ciphertext", GoodId, string.Empty, Nonce, Alice },
        { "empty nonce", GoodId, Ciphertext, string.Empty, Alice },

        // base64 shape
        { "ciphertext with url-safe chars", GoodId, "AAAAAAAAAAAAAAAAAAAA-_A=", Nonce, Alice },
        { "ciphertext with a symbol", GoodId, "AAAAAAAAAA*AAAAAAAAAAAAA", Nonce, Alice },
        { "ciphertext with a space", GoodId, "AAAAAAAAAAAA AAAAAAAAAAA", Nonce, Alice },
        { "ciphertext with a line break", GoodId, "AAAAAAAAAAAA\nAAAAAAAAAAA", Nonce, Alice },
        { "ciphertext with a trailing line break", GoodId, SixteenZeroBytes + "\n", Nonce, Alice },
        { "ciphertext without padding", GoodId, "AAAAAAAAAAAAAAAAAAAAAA", Nonce, Alice },
        { "ciphertext with triple padding", GoodId, "AAAAAAAAAAAAAAAAAAAAA===", Nonce, Alice },
        { "ciphertext with padding in the middle", GoodId, "AAAA=AAAAAAAAAAAAAAAAAAA", Nonce, Alice },
        { "ciphertext with non-zero bits before ==", GoodId, "AAAAAAAAAAAAAAAAAAAAAB==", Nonce, Alice },
        { "ciphertext with non-zero bits before =", GoodId, "AAAAAAAAAAAAAAAAAAAAAAB=", Nonce, Alice },
        { "nonce with a bad char", GoodId, Ciphertext, "AAAAAAAAAAAAAAA!", Alice },
        { "nonce with a space", GoodId, Ciphertext, "AAAAAAA AAAAAAAA", Alice },
        { "nonce without padding", GoodId, Ciphertext, "AAAAAAAAAAAAAA", Alice },

        // sizes
        { "nonce of 11 bytes", GoodId, Ciphertext, Base64(11), Alice },
        { "nonce of 13 bytes", GoodId, Ciphertext, Base64(13), Alice },
        { "ciphertext of 15 bytes", GoodId, Base64(15), Nonce, Alice },
        { "ciphertext of 1 byte", GoodId, Base64(1), Nonce, Alice },
        { "ciphertext one byte over the limit", GoodId, Base64(MaxMessageBytes + 1), Nonce, Alice },

        // member
        { "missing member", GoodId, Ciphertext, Nonce, null },
        { "empty member", GoodId, Ciphertext, Nonce, string.Empty },
        { "member of 15 chars", GoodId, Ciphertext, Nonce, new string('a', 15) },
        { "member of 65 chars", GoodId, Ciphertext, Nonce, new string('a', 65) },
        { "member with a dot", GoodId, Ciphertext, Nonce, "alice.member.0001" },
        { "member with a space", GoodId, Ciphertext, Nonce, "alice member 0001" },
        { "member with a non-ASCII letter", GoodId, Ciphertext, Nonce, "\u00e5lice_member_0001" },
    };

    /// <summary>case, member, profile ciphertext, profile nonce.</summary>
    public static TheoryData<string, string?, string?, string?> InvalidJoins => new()
    {
        { "missing member", null, Base64(16), Nonce },
        { "member of 15 chars", new string('a', 15), Base64(16), Nonce },
        { "member of 65 chars", new string('a', 65), Base64(16), Nonce },
        { "member with bad chars", "alice+member/0001", Base64(16), Nonce },
        { "missing profile ciphertext", Alice, null, Nonce },
        { "missing profile nonce", Alice, Base64(16), null },
        { "profile ciphertext not base64", Alice, "AAAAAAAAAAAA AAAAAAAAAAA", Nonce },
        { "profile ciphertext of 15 bytes", Alice, Base64(15), Nonce },
        { "profile ciphertext over the profile limit", Alice, Base64(MaxProfileBytes + 1), Nonce },
        { "profile nonce of 11 bytes", Alice, Base64(16), Base64(11) },
        { "profile nonce of 13 bytes", Alice, Base64(16), Base64(13) },
    };

    [Theory]
    [MemberData(nameof(InvalidSends))]
    public void Send_WithInvalidParameter_IsRejectedWithInvalidParams(
        string caseName, string? id, string? ciphertext, string? nonce, string? member)
    {
        var room = NewRoom().Joined(Alice, T0);

        var decision = room.Decide(new SendMessage(RoomId, id, ciphertext, nonce, member), At(1));

        decision.ShouldBeRejectedWith(RoomErrors.InvalidParams, "of case {0}", caseName);
    }

    [Theory]
    [MemberData(nameof(InvalidJoins))]
    public void Join_WithInvalidParameter_IsRejectedWithInvalidParamsAndRoomStaysNew(
        string caseName, string? member, string? profileCiphertext, string? profileNonce)
    {
        var room = NewRoom();

        var decision = room.Decide(new JoinRoom(RoomId, member, Cid1, new EncryptedPayload(profileCiphertext, profileNonce)), T0);

        decision.ShouldBeRejectedWith(RoomErrors.InvalidParams, "of case {0}", caseName);
        room.Status.Should().Be(RoomStatus.New);
    }

    [Fact]
    public void Join_WithoutProfile_IsRejectedWithInvalidParams()
    {
        NewRoom().Decide(new JoinRoom(RoomId, Alice, Cid1, null), T0).ShouldBeRejectedWith(RoomErrors.InvalidParams);
    }

    [Fact]
    public void Rejoin_WithInvalidProfile_IsRejected()
    {
        var room = NewRoom().Joined(Alice, T0);

        var decision = room.Decide(new JoinRoom(RoomId, Alice, Cid2, new EncryptedPayload(Base64(15), Nonce)), At(1));

        decision.ShouldBeRejectedWith(RoomErrors.InvalidParams);
    }

    [Fact]
    public void Send_WithUuidV4Id_IsAccepted()
    {
        var room = NewRoom().Joined(Alice, T0);

        room.Decide(new SendMessage(RoomId, GoodId, Ciphertext, Nonce, Alice), At(1)).Reply
            .Should().Be(new MessageAccepted(1));
    }

    [Theory]
    [InlineData(RoomOptions.MinCiphertextBytes)]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(MaxMessageBytes)]
    public void Send_WithCiphertextWithinBounds_IsAccepted(int bytes)
    {
        var room = NewRoom().Joined(Alice, T0);

        var (next, decision) = room.Run(new SendMessage(RoomId, NewMessageId(), Base64(bytes), Nonce, Alice), At(1));

        decision.Reply.Should().Be(new MessageAccepted(1));
        next.Window[0].Ciphertext.Should().HaveCount(bytes);
    }

    [Fact]
    public void Send_WithInvalidParams_WhenMemberNotJoined_ReportsInvalidParamsFirst()
    {
        var room = NewRoom().Joined(Alice, T0);

        room.Decide(new SendMessage(RoomId, NewMessageId(), Base64(15), Nonce, Bob), At(1))
            .ShouldBeRejectedWith(RoomErrors.InvalidParams);
    }
}
