using Chat.Actors.Rooms;

namespace Chat.Actors.ReadModel;

/// <summary>What a page of journal events changes in the read model, folded per room so each table gets one statement.</summary>
public sealed record ReadModelPage(
    IReadOnlyList<(Guid Room, DateTimeOffset At)> Started,
    IReadOnlyList<MessageAppended> Messages,
    IReadOnlyList<(Guid Room, DateTimeOffset At)> LastActivity,
    IReadOnlyList<(Guid Room, DateTimeOffset At)> Ended)
{
    public static ReadModelPage Of(IEnumerable<object> events)
    {
        var started = new Dictionary<Guid, DateTimeOffset>();
        var messages = new List<MessageAppended>();
        var lastActivity = new Dictionary<Guid, DateTimeOffset>();
        var ended = new Dictionary<Guid, DateTimeOffset>();
        foreach (var @event in events)
        {
            switch (@event)
            {
                case RoomActivated activated:
                    started.TryAdd(Guid.Parse(activated.RoomId), activated.At);
                    break;
                case MessageAppended appended:
                    messages.Add(appended);
                    Latest(lastActivity, Guid.Parse(appended.RoomId), appended.At);
                    break;
                case RoomDeactivated deactivated:
                    Latest(ended, Guid.Parse(deactivated.RoomId), deactivated.At);
                    break;
            }
        }

        return new ReadModelPage(Pairs(started), messages, Pairs(lastActivity), Pairs(ended));
    }

    private static void Latest(Dictionary<Guid, DateTimeOffset> latest, Guid room, DateTimeOffset at) =>
        latest[room] = latest.TryGetValue(room, out var seen) && seen > at ? seen : at;

    private static List<(Guid, DateTimeOffset)> Pairs(Dictionary<Guid, DateTimeOffset> byRoom) =>
        byRoom.Select(pair => (pair.Key, pair.Value)).ToList();
}
