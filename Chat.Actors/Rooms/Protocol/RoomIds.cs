using System.Text.RegularExpressions;

namespace Chat.Actors.Rooms;

/// <summary>The identifier formats (docs/architecture.md, "Resources, calls and errors"), checked without allocating where it matters.</summary>
public static partial class RoomIds
{
    /// <summary>Prefix of every room's persistence id (docs/architecture.md, "Events and persistence").</summary>
    public const string PersistencePrefix = "room-";

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex RoomIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{16,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex MemberIdPattern();

    /// <summary>A room id is a lowercase UUID v4; anything else names no room.</summary>
    public static bool IsValidRoomId(string? id) => id is not null && RoomIdPattern().IsMatch(id);

    /// <summary>
    /// A member id: 16 to 64 characters of [A-Za-z0-9_-]. Calls carry a member key and the RES layer derives
    /// the id from it (22 characters, docs/capability.md); rooms only ever see ids.
    /// </summary>
    public static bool IsValidMemberId(string? id) => id is not null && MemberIdPattern().IsMatch(id);

    /// <summary>Message ids are UUID v4 chosen by the sender; case is ignored, the canonical form is lowercase.</summary>
    public static bool TryParseMessageId(string? id, out Guid messageId)
    {
        messageId = Guid.Empty;
        if (id is null || id.Length != 36 || !Guid.TryParseExact(id, "D", out var parsed))
        {
            return false;
        }

        if (!RoomIdPattern().IsMatch(id.ToLowerInvariant()))
        {
            return false;
        }

        messageId = parsed;
        return true;
    }

    public static string PersistenceIdOf(string roomId) => PersistencePrefix + roomId;
}
