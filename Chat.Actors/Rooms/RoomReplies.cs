using System.Collections.Immutable;
using Chat.Actors.Serialization;

namespace Chat.Actors.Rooms;

/// <summary>What a room answers. A reply to a write is only sent once its events are durable.</summary>
public abstract record RoomReply : IChatMessage;

/// <summary>Join succeeded; RES answers it with a resource response for the room's model.</summary>
public sealed record Joined(string RoomId) : RoomReply;

/// <summary>A call that succeeded with no result (RES <c>null</c>).</summary>
public sealed record Done : RoomReply
{
    public static readonly Done Instance = new();
}

public sealed record MessageAccepted(long Seq) : RoomReply;

public sealed record HistoryPage(ImmutableArray<StoredMessage> Messages) : RoomReply;

/// <summary>A refusal; <see cref="RetryAfter"/>, when set, says how long to wait before the same request can succeed.</summary>
public sealed record RoomRejected(string Code, string Message, TimeSpan? RetryAfter = null) : RoomReply;

public enum RoomStatus
{
    New,
    Active,
    Closed,
}

/// <summary>The <c>room.{id}</c> model; the same for every caller.</summary>
public sealed record RoomModel(
    string Id,
    RoomStatus Status,
    DateTimeOffset? CreatedAt,
    int ParticipantCount,
    long MessageCount) : RoomReply;

/// <summary>The <c>room.{id}.messages</c> collection: the window, oldest first.</summary>
public sealed record MessageList(ImmutableArray<StoredMessage> Messages) : RoomReply;

/// <summary>The <c>room.{id}.participants</c> collection, in join order.</summary>
public sealed record ParticipantList(ImmutableArray<Participant> Participants) : RoomReply;

/// <summary>A message as readers get it; <see cref="Member"/> is the sender stamp, null for messages stored before it.</summary>
public sealed record StoredMessage(Guid Id, long Seq, byte[] Ciphertext, byte[] Nonce, DateTimeOffset SentAt, string? Member = null)
{
    /// <summary>
    /// JSON around one message item besides its base64: the data wrapper, id, seq (up to 19 digits),
    /// sentAt, member (up to 64 characters), names, quotes and the separating comma come to 220 bytes at
    /// most; rounded up.
    /// </summary>
    public const int ItemOverheadBytes = 224;

    /// <summary>Bytes this message takes in a response (the window, a history page); what their byte limit counts.</summary>
    public int ResponseBytes() => ResponseBytesFor(Ciphertext.Length, Nonce.Length);

    /// <summary>Bytes a message of this many ciphertext and nonce bytes takes in a response.</summary>
    public static int ResponseBytesFor(int ciphertextBytes, int nonceBytes = RoomOptions.NonceBytes) =>
        Base64Length(ciphertextBytes) + Base64Length(nonceBytes) + ItemOverheadBytes;

    internal static int Base64Length(int bytes) => (bytes + 2) / 3 * 4;
}

/// <summary>A participant as others see it: the member id and the encrypted profile, never the cid.</summary>
public sealed record Participant(string Member, SealedBox Profile)
{
    /// <summary>
    /// JSON around one participant item besides its profile's base64: the data wrapper, a member id of
    /// up to 64 characters, names, quotes and the separating comma come to 126 bytes at most; rounded up.
    /// </summary>
    public const int ItemOverheadBytes = 160;

    /// <summary>Bytes a participant whose profile has this many ciphertext bytes takes in the participants collection.</summary>
    public static int ResponseBytesFor(int profileCiphertextBytes) =>
        StoredMessage.Base64Length(profileCiphertextBytes) + StoredMessage.Base64Length(RoomOptions.NonceBytes) + ItemOverheadBytes;
}
