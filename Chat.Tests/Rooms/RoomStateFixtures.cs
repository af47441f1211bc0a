using System.Globalization;
using Chat.Actors.Rooms;
using FluentAssertions;

namespace Chat.Tests.Rooms;

/// <summary>Shared ids, payload builders and helpers that run a command through Decide and Apply.</summary>
internal static class RoomStateFixtures
{
    public const string RoomId = "3f1c2a4e-8b7d-4c6e-9a1b-2d3e4f5a6b7c";

    public const string Alice = "alice_member_0001";
    public const string Bob = "bob-member-000002";
    public const string Carol = "carol-member-0003";

    public const string Cid1 = "cid-1";
    public const string Cid2 = "cid-2";

    public const int MaxMessageBytes = 64;
    public const int MaxProfileBytes = 32;

    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Small limits so the boundaries are cheap to reach; large budgets so only the rate tests meet them.</summary>
    public static readonly RoomOptions Options = new()
    {
        GracePeriod = TimeSpan.FromSeconds(30),
        HeartbeatTimeout = TimeSpan.FromSeconds(25),
        WindowSize = 5,
        DedupeWindow = 50,
        MaxMessageBytes = MaxMessageBytes,
        MaxProfileBytes = MaxProfileBytes,
        MaxParticipants = 3,
        RateBurst = 1000,
        RatePerSecond = 1000,
        ConnectionRateBurst = 1000,
        ConnectionRatePerSecond = 1000,
        RoomRateBurst = 1000,
        RoomRatePerSecond = 1000,
        RoomBytesBurst = 1000 * MaxMessageBytes,
        RoomBytesPerSecond = 1000 * MaxMessageBytes,
    };

    public static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    public static RoomState NewRoom(RoomOptions? options = null) => RoomState.Create(RoomId, options ?? Options);

    public static byte[] Filled(int length, byte fill = 0x5A)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, fill);
        return bytes;
    }

    /// <summary>Standard padded base64 of <paramref name="length"/> bytes.</summary>
    public static string Base64(int length, byte fill = 0x5A) => Convert.ToBase64String(Filled(length, fill));

    public static string ValidCiphertext => Base64(32);

    public static string ValidNonce => Base64(RoomOptions.NonceBytes);

    public static EncryptedPayload Profile(byte fill = 1) => new(Base64(16, fill), Base64(RoomOptions.NonceBytes, fill));

    public static string NewMessageId() => Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture);

    public static JoinRoom JoinCommand(string? member, string? cid = Cid1, byte profileFill = 1) =>
        new(RoomId, member, cid, Profile(profileFill));

    public static SendMessage SendCommand(string? member, string? id = null, string? cid = null, int ciphertextBytes = 32) =>
        new(RoomId, id ?? NewMessageId(), Base64(ciphertextBytes), ValidNonce, member, cid);

    /// <summary>Folds every event of <paramref name="decision"/>, recording the resource changes when asked.</summary>
    public static RoomState ApplyAll(this RoomState state, Decision decision, List<RoomChange>? changes = null)
    {
        foreach (var e in decision.Events)
        {
            state = state.Apply(e, changes);
        }

        return state;
    }

    /// <summary>Decide then apply: what the actor does for one command.</summary>
    public static (RoomState State, Decision Decision) Run(
        this RoomState state, IRoomCommand command, DateTimeOffset now, List<RoomChange>? changes = null)
    {
        var decision = state.Decide(command, now);
        return (state.ApplyAll(decision, changes), decision);
    }

    public static RoomState Joined(this RoomState state, string member, DateTimeOffset at, string? cid = Cid1, byte profileFill = 1)
    {
        var (next, decision) = state.Run(JoinCommand(member, cid, profileFill), at);
        decision.Reply.Should().Be(new Joined(RoomId));
        return next;
    }

    public static RoomState Sent(this RoomState state, string member, DateTimeOffset at, string? id = null, string? cid = null)
    {
        var (next, decision) = state.Run(SendCommand(member, id, cid), at);
        decision.Reply.Should().BeOfType<MessageAccepted>();
        return next;
    }

    /// <summary>Sends <paramref name="count"/> messages from <paramref name="member"/>, one second apart.</summary>
    public static RoomState WithMessages(this RoomState state, string member, int count, DateTimeOffset start)
    {
        for (var i = 0; i < count; i++)
        {
            state = state.Sent(member, start.AddSeconds(i));
        }

        return state;
    }

    /// <summary>A rejection carries its code and no events: bad input changes nothing.</summary>
    public static void ShouldBeRejectedWith(this Decision decision, string code, string because = "", params object[] becauseArgs)
    {
        decision.Reply.Should().BeOfType<RoomRejected>(because, becauseArgs).Which.Code.Should().Be(code, because, becauseArgs);
        decision.IsRejection.Should().BeTrue(because, becauseArgs);
        decision.Events.Should().BeEmpty(because, becauseArgs);
        decision.HistoryToLoad.Should().BeNull(because, becauseArgs);
    }

    public static long[] Seqs(this IEnumerable<StoredMessage> messages) => messages.Select(m => m.Seq).ToArray();
}
