using System.Security.Cryptography;
using Chat.Actors.Rooms;

namespace Chat.Tests.Infrastructure;

/// <summary>Well-formed requests with random (opaque, as the server sees them) ciphertexts.</summary>
internal static class TestPayloads
{
    public static string NewRoomId() => Guid.NewGuid().ToString();

    public static string NewMemberId() => "m_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant();

    public static string Base64(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));

    public static EncryptedPayload Profile() => new(Base64(48), Base64(12));

    public static JoinRoom Join(string roomId, string member, string? cid = "cid-1") => new(roomId, member, cid, Profile());

    public static SendMessage Send(string roomId, string member, Guid? id = null) =>
        new(roomId, (id ?? Guid.NewGuid()).ToString(), Base64(64), Base64(12), member);
}
