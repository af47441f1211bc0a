using Chat.Actors.Rooms;

namespace Chat.Res.Protocol;

/// <summary>The three resources of a room (docs/architecture.md, "Resources, calls and errors").</summary>
public enum RoomResourceKind
{
    Room,
    Messages,
    Participants,
}

/// <summary>A parsed <c>room.{id}</c>, <c>room.{id}.messages</c> or <c>room.{id}.participants</c>.</summary>
public readonly record struct RoomResource(string RoomId, RoomResourceKind Kind)
{
    public const string Service = "room";

    public string Rid => Kind switch
    {
        RoomResourceKind.Messages => $"{Service}.{RoomId}.messages",
        RoomResourceKind.Participants => $"{Service}.{RoomId}.participants",
        _ => $"{Service}.{RoomId}",
    };

    public static string RidOf(string roomId, RoomResourceKind kind) => new RoomResource(roomId, kind).Rid;

    /// <summary>Parses a resource name (no query part); false for anything that names no room resource.</summary>
    public static bool TryParse(ReadOnlySpan<char> name, out RoomResource resource)
    {
        resource = default;
        if (!name.StartsWith(Service + ".", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = name[(Service.Length + 1)..];
        var dot = rest.IndexOf('.');
        var id = dot < 0 ? rest : rest[..dot];
        var suffix = dot < 0 ? ReadOnlySpan<char>.Empty : rest[(dot + 1)..];
        var idText = id.ToString();
        if (!RoomIds.IsValidRoomId(idText))
        {
            return false;
        }

        RoomResourceKind? kind = dot < 0 ? RoomResourceKind.Room
            : suffix.SequenceEqual("messages") ? RoomResourceKind.Messages
            : suffix.SequenceEqual("participants") ? RoomResourceKind.Participants
            : null;
        if (kind is null)
        {
            return false;
        }

        resource = new RoomResource(idText, kind.Value);
        return true;
    }
}
