namespace Chat.Actors.Rooms;

/// <summary>A present participant. Keyed by the tab's member id; the cid changes on every reconnect.</summary>
public sealed record Member(string Id, string? Cid, SealedBox Profile, DateTimeOffset LastSeen, TokenBucket Budget)
{
    public Participant ToParticipant() => new(Id, Profile);
}
