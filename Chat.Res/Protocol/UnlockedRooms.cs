using System.Collections.Immutable;
using System.Text.Json;
using Chat.Actors.Rooms;

namespace Chat.Res.Protocol;

/// <summary>
/// The connection token this service sets (<c>conn.{cid}.token</c>): <c>{"rooms":[...]}</c>, the rooms whose
/// proof the connection has shown. The gateway keeps it and sends it back with every access, call and auth
/// request of that connection, so the service holds no state per connection. A room id is not a secret;
/// the token carries nothing a log may not see (docs/capability.md).
/// </summary>
public sealed record UnlockedRooms(ImmutableArray<string> Rooms)
{
    /// <summary>Enough for a person's open rooms many times over; keeps every access request small.</summary>
    public const int MaxRooms = 32;

    public static readonly UnlockedRooms None = new(ImmutableArray<string>.Empty);

    public bool Contains(string roomId) => Rooms.Contains(roomId, StringComparer.Ordinal);

    public bool IsFull => Rooms.Length >= MaxRooms;

    /// <summary>This token with <paramref name="roomId"/> added at the end (unchanged when it is there already).</summary>
    public UnlockedRooms With(string roomId) => Contains(roomId) ? this : new(Rooms.Add(roomId));

    /// <summary>
    /// Reads the <c>token</c> of a request body. Only this service sets tokens, so anything that is not its
    /// own shape (no token, another service's token, damaged) reads as no rooms rather than as an error:
    /// the request is then treated as one from a connection that unlocked nothing.
    /// </summary>
    public static UnlockedRooms FromRequest(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("token", out var token)
            || token.ValueKind != JsonValueKind.Object
            || !token.TryGetProperty("rooms", out var rooms)
            || rooms.ValueKind != JsonValueKind.Array)
        {
            return None;
        }

        var ids = ImmutableArray.CreateBuilder<string>();
        foreach (var room in rooms.EnumerateArray())
        {
            if (ids.Count == MaxRooms)
            {
                break;
            }

            if (room.ValueKind == JsonValueKind.String && room.GetString() is { } id && RoomIds.IsValidRoomId(id) && !ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        return new UnlockedRooms(ids.ToImmutable());
    }

    public void WriteTo(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartArray("rooms");
        foreach (var room in Rooms)
        {
            w.WriteStringValue(room);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
