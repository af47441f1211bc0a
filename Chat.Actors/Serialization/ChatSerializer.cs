using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using Chat.Actors.Rooms;

namespace Chat.Actors.Serialization;

/// <summary>
/// The one serializer for everything that is persisted or crosses nodes: System.Text.Json with a
/// versioned string manifest per type (room snapshots: bytes, <see cref="RoomSnapshotBinary"/>). A manifest
/// names a frozen shape: a new shape gets a new record or layout and a new manifest (".v2"), and the old
/// manifest keeps decoding.
/// </summary>
public sealed class ChatSerializer : SerializerWithStringManifest
{
    /// <summary>Stored in every journal row; must never change.</summary>
    public const int SerializerId = 4417;

    private static readonly FrozenDictionary<Type, string> ManifestByType = new Dictionary<Type, string>
    {
        [typeof(RoomActivated)] = "RoomActivated.v1",
        [typeof(MessageAppended)] = "MessageAppended.v2",
        [typeof(RoomDeactivated)] = "RoomDeactivated.v1",
        [typeof(RoomSnapshot)] = RoomSnapshotBinary.Manifest,
        [typeof(RoomRequest)] = "RoomRequest.v1",
        [typeof(JoinRoom)] = "JoinRoom.v1",
        [typeof(Heartbeat)] = "Heartbeat.v1",
        [typeof(LeaveRoom)] = "LeaveRoom.v1",
        [typeof(SendMessage)] = "SendMessage.v1",
        [typeof(GetHistory)] = "GetHistory.v1",
        [typeof(ConnectionClosed)] = "ConnectionClosed.v1",
        [typeof(GetRoom)] = "GetRoom.v1",
        [typeof(GetMessages)] = "GetMessages.v1",
        [typeof(GetParticipants)] = "GetParticipants.v1",
        [typeof(Joined)] = "Joined.v1",
        [typeof(Done)] = "Done.v1",
        [typeof(MessageAccepted)] = "MessageAccepted.v1",
        [typeof(HistoryPage)] = "HistoryPage.v1",
        [typeof(RoomRejected)] = "RoomRejected.v1",
        [typeof(RoomModel)] = "RoomModel.v1",
        [typeof(MessageList)] = "MessageList.v1",
        [typeof(ParticipantList)] = "ParticipantList.v1",
        [typeof(StopRoom)] = "StopRoom.v1",
        [typeof(WakeRoom)] = "WakeRoom.v1",
        [typeof(GetRoomStats)] = "GetRoomStats.v1",
        [typeof(RoomStats)] = "RoomStats.v1",
    }.ToFrozenDictionary();

    /// <summary>
    /// Shapes no longer written but still in journals and snapshot stores. Each later JSON shape only added an
    /// optional property, so the old JSON reads into today's record with that property null. Snapshots
    /// are written as bytes since v3 (<see cref="RoomSnapshotBinary"/>); v1 and v2 are their JSON.
    /// </summary>
    private static readonly Dictionary<string, Type> ReadOnlyManifests = new()
    {
        ["MessageAppended.v1"] = typeof(MessageAppended),
        ["RoomSnapshot.v1"] = typeof(RoomSnapshot),
        ["RoomSnapshot.v2"] = typeof(RoomSnapshot),
    };

    private static readonly FrozenDictionary<string, Type> TypeByManifest = ManifestByType
        .Select(pair => KeyValuePair.Create(pair.Value, pair.Key))
        .Concat(ReadOnlyManifests)
        .ToFrozenDictionary();

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Deep nesting never occurs in our own messages; refusing it bounds the work on bad input.
        MaxDepth = 16,
    };

    public ChatSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => SerializerId;

    /// <summary>Every type this serializer writes, for tests and for the binding check.</summary>
    public static IReadOnlyCollection<Type> KnownTypes => ManifestByType.Keys;

    public override string Manifest(object o) =>
        ManifestByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType()} has no manifest in {nameof(ChatSerializer)}.", nameof(o));

    public override byte[] ToBinary(object obj)
    {
        _ = Manifest(obj);
        return obj is RoomSnapshot snapshot
            ? RoomSnapshotBinary.Write(snapshot)
            : JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        // An unknown manifest comes from a newer node during a rolling upgrade: say so, do not guess.
        if (!TypeByManifest.TryGetValue(manifest, out var type))
        {
            throw new SerializationException($"Unknown manifest '{manifest}' for {nameof(ChatSerializer)}.");
        }

        if (manifest == RoomSnapshotBinary.Manifest)
        {
            return RoomSnapshotBinary.Read(bytes);
        }

        return JsonSerializer.Deserialize(bytes, type, Json)
            ?? throw new SerializationException($"Manifest '{manifest}' decoded to null.");
    }
}
