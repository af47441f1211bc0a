namespace Chat.Actors.Rooms;

/// <summary>
/// A present participant. Keyed by the tab's member id; the cid changes on every reconnect. Its send
/// budget is not here but in <see cref="SendBudgets"/>, so leaving does not throw it away.
/// </summary>
public sealed record Member(string Id, string? Cid, SealedBox Profile, DateTimeOffset LastSeen, DateTimeOffset? LastTyping = null)
{
    public Participant ToParticipant() => new(Id, Profile);
}
