namespace Chat.Actors.Rooms;

/// <summary>
/// The limits and timers of a room, bound from <c>Chat:Rooms</c> (docs/architecture.md: lifecycle, resources, presence).
/// Validated at start by <see cref="Hosting.RoomOptionsValidator"/>.
/// </summary>
public sealed record RoomOptions
{
    public const string Section = "Chat:Rooms";

    /// <summary>Largest <c>limit</c> a history call may ask for.</summary>
    public const int MaxHistoryLimit = 200;

    /// <summary>AES-GCM appends a 128-bit tag, so no real ciphertext is shorter.</summary>
    public const int MinCiphertextBytes = 16;

    public const int NonceBytes = 12;

    /// <summary>
    /// Largest decoded typing notice: the page seals a version and a time, nothing a person wrote, padded
    /// like every box to 256 bytes, plus the 16-byte tag.
    /// </summary>
    public const int MaxTypingBytes = 512;

    /// <summary>Each member's typing notices are relayed at most this often; the page sends one every 3 s while someone writes.</summary>
    public static readonly TimeSpan TypingInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long an empty active room waits for someone to come back before it ends for good.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the page heartbeats; the page reads it, the room only checks it is below the timeout.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A member not seen for this long is removed.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(25);

    /// <summary>How often a room with members looks for expired ones.</summary>
    public TimeSpan PresenceSweepInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Number of newest messages in <c>room.{id}.messages</c>.</summary>
    public int WindowSize { get; init; } = 100;

    /// <summary>
    /// Message ids remembered for idempotent send. A retry is recognised while fewer than this many
    /// messages were sent after the original; it bounds memory and snapshot size of long rooms.
    /// </summary>
    public int DedupeWindow { get; init; } = 4096;

    /// <summary>Largest decoded message ciphertext.</summary>
    public int MaxMessageBytes { get; init; } = 64 * 1024;

    /// <summary>Largest decoded profile ciphertext (an encrypted nickname).</summary>
    public int MaxProfileBytes { get; init; } = 1024;

    public int MaxParticipants { get; init; } = 256;

    /// <summary>
    /// Most bytes of messages in one response: the window and every history page are cut to it, counting
    /// each message by <see cref="StoredMessage.ResponseBytes"/>. Half of NATS's 1 MiB max_payload.
    /// </summary>
    public int MaxResponseBytes { get; init; } = 512 * 1024;

    /// <summary>Sustained sends per second per member (token bucket refill rate).</summary>
    public double RatePerSecond { get; init; } = 5;

    /// <summary>Sends a member may make in a burst (token bucket size).</summary>
    public int RateBurst { get; init; } = 20;

    /// <summary>Sustained sends per second per connection (the request's cid), over all its member ids.</summary>
    public double ConnectionRatePerSecond { get; init; } = 10;

    /// <summary>Sends a connection may make in a burst.</summary>
    public int ConnectionRateBurst { get; init; } = 40;

    /// <summary>Sustained messages per second into one room, whoever sends them.</summary>
    public double RoomRatePerSecond { get; init; } = 50;

    /// <summary>Messages one room accepts in a burst.</summary>
    public int RoomRateBurst { get; init; } = 200;

    /// <summary>Sustained decoded ciphertext bytes per second into one room.</summary>
    public int RoomBytesPerSecond { get; init; } = 1024 * 1024;

    /// <summary>Ciphertext bytes one room accepts in a burst; at least <see cref="MaxMessageBytes"/>, so a largest message can pass.</summary>
    public int RoomBytesBurst { get; init; } = 4 * 1024 * 1024;

    /// <summary>A snapshot is saved after this many events, so recovery replays at most this many.</summary>
    public int SnapshotEvery { get; init; } = 200;

    /// <summary>A write still in flight after this long makes the room tell waiting callers it is still working.</summary>
    public TimeSpan SlowWriteNotice { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Most events one group-commit write may carry.</summary>
    public int MaxWriteBatch { get; init; } = 1000;

    /// <summary>
    /// How often rooms that the read model lists as active are woken, so that one whose node died
    /// while it was empty still ends after its grace period.
    /// </summary>
    public TimeSpan ActiveRoomSweepInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most rooms woken per second by the sweep.</summary>
    public int SweepWakesPerSecond { get; init; } = 200;

    /// <summary>A room with nobody present and no requests for this long is stopped (and restarted on demand).</summary>
    public TimeSpan PassivateIdleAfter { get; init; } = TimeSpan.FromMinutes(2);
}
