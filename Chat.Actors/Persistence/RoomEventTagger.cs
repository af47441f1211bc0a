using System.Collections.Immutable;
using Akka.Persistence.Journal;
using Chat.Actors.Rooms;

namespace Chat.Actors.Persistence;

/// <summary>
/// Tags every room event with one tag, so the projection and replay read them with
/// <c>EventsByTag</c>. Each tag costs a row per event, so there is exactly one.
/// </summary>
public sealed class RoomEventTagger : IWriteEventAdapter
{
    public const string Tag = "room";

    private static readonly IImmutableSet<string> Tags = ImmutableHashSet.Create(Tag);

    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => evt is IPersistedRoomEvent ? new Tagged(evt, Tags) : evt;
}
