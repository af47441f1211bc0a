using System.Collections.Concurrent;
using System.Security.Cryptography;
using Chat.Actors.Rooms;
using Chat.Client.Envelope;

namespace Chat.Tests.Infrastructure;

/// <summary>Well-formed requests with random (opaque, as the server sees them) ciphertexts.</summary>
internal static class TestPayloads
{
    private static readonly ConcurrentDictionary<string, RoomSecret> Secrets = new(StringComparer.Ordinal);

    /// <summary>A room id derived from a fresh secret, as the landing page makes one; its proof is <see cref="ProofOf"/>.</summary>
    public static string NewRoomId()
    {
        var secret = RoomSecret.Create();
        var id = RoomCapability.RoomIdOf(secret);
        Secrets[id] = secret;
        return id;
    }

    /// <summary>The secret behind a room id this class made.</summary>
    public static RoomSecret SecretOf(string roomId) =>
        Secrets.TryGetValue(roomId, out var secret) ? secret : throw new ArgumentException($"{roomId} was not made by {nameof(NewRoomId)}.", nameof(roomId));

    /// <summary>What unlocks a room made by <see cref="NewRoomId"/>.</summary>
    public static string ProofOf(string roomId) => RoomCapability.Proof(SecretOf(roomId));

    /// <summary>A member id for tests below the RES layer, where rooms take ids (the edge derives them from keys).</summary>
    public static string NewMemberId() => "m_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant();

    /// <summary>A tab's member key in its text form, what member-bound calls carry.</summary>
    public static string NewMemberKey() => MemberKey.Create().ToString();

    /// <summary>The member id a key stands for, as others see it in the participants collection.</summary>
    public static string MemberIdOf(string memberKey) =>
        MemberKey.TryParse(memberKey, out var key) ? key.MemberId : throw new ArgumentException("Not a member key.", nameof(memberKey));

    public static string Base64(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));

    public static EncryptedPayload Profile() => new(Base64(48), Base64(12));

    public static JoinRoom Join(string roomId, string member, string? cid = "cid-1") => new(roomId, member, cid, Profile());

    public static SendMessage Send(string roomId, string member, Guid? id = null) =>
        new(roomId, (id ?? Guid.NewGuid()).ToString(), Base64(64), Base64(12), member);
}
