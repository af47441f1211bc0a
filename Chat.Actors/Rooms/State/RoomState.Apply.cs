namespace Chat.Actors.Rooms;

public sealed partial record RoomState
{
    /// <summary>Folds one event into the state (recovery).</summary>
    public RoomState Apply(IRoomEvent e) => Apply(e, null);

    /// <summary>
    /// Folds one event into the state and, when <paramref name="changes"/> is given, appends the
    /// resource changes it causes in the order clients must see them.
    /// </summary>
    public RoomState Apply(IRoomEvent e, List<RoomChange>? changes)
    {
        var next = e switch
        {
            RoomActivated activated => this with { Status = RoomStatus.Active, CreatedAt = activated.At },
            MessageAppended appended => ApplyMessage(appended, changes),
            RoomDeactivated => ApplyDeactivation(changes),
            MemberJoined joined => ApplyJoin(joined, changes),
            MemberRejoined rejoined => ApplyRejoin(rejoined, changes),
            MemberSeen seen => UpdateMember(seen.Member, m => m with { Cid = seen.Cid ?? m.Cid, LastSeen = Later(m.LastSeen, seen.At) }),
            MemberSent sent => UpdateMember(sent.Member, m => m with { LastSeen = Later(m.LastSeen, sent.At) }) with
            {
                Budgets = Budgets.Spent(sent.Member, sent.Cid, sent.Bytes, sent.At, Options),
            },
            MemberTyping typing => ApplyTyping(typing, changes),
            MemberDeparted departed => ApplyDeparture(departed, changes),
            _ => throw new ArgumentException($"Unknown room event {e.GetType().Name}.", nameof(e)),
        };

        if (changes is not null && next.Model != Model)
        {
            changes.Add(new RoomModelChanged(Model, next.Model));
        }

        return next;
    }

    private RoomState ApplyTyping(MemberTyping typing, List<RoomChange>? changes)
    {
        changes?.Add(new TypingNoticed(typing.Member, typing.Box));
        return UpdateMember(typing.Member, m => m with { Cid = typing.Cid ?? m.Cid, LastSeen = Later(m.LastSeen, typing.At), LastTyping = typing.At });
    }

    private RoomState ApplyMessage(MessageAppended appended, List<RoomChange>? changes)
    {
        var message = new StoredMessage(appended.MessageId, appended.Seq, appended.Ciphertext, appended.Nonce, appended.At, appended.Member);
        var size = message.ResponseBytes();

        // Oldest out until the new message fits by count and by bytes; one remove each, before the
        // add, so cached copies of the collection follow step by step.
        var window = Window;
        var bytes = WindowBytes;
        while (window.Count > 0 && (window.Count >= Options.WindowSize || bytes + size > Options.MaxResponseBytes))
        {
            bytes -= window[0].ResponseBytes();
            window = window.RemoveAt(0);
            changes?.Add(new MessageRemoved(0));
        }

        changes?.Add(new MessageAdded(window.Count, message));
        return this with
        {
            LastSeq = appended.Seq,
            Window = window.Add(message),
            WindowBytes = bytes + size,
            Dedupe = Dedupe.Add(appended.MessageId, appended.Seq, Options.DedupeWindow),
        };
    }

    private RoomState ApplyDeactivation(List<RoomChange>? changes)
    {
        // A closed room serves no messages and nobody: clear both, newest first so indexes stay valid.
        if (changes is not null)
        {
            for (var i = Members.Count - 1; i >= 0; i--)
            {
                changes.Add(new ParticipantRemoved(i));
            }

            for (var i = Window.Count - 1; i >= 0; i--)
            {
                changes.Add(new MessageRemoved(i));
            }
        }

        return this with { Status = RoomStatus.Closed, Members = Members.Clear(), Window = Window.Clear(), WindowBytes = 0 };
    }

    private RoomState ApplyJoin(MemberJoined joined, List<RoomChange>? changes)
    {
        var member = new Member(joined.Member, joined.Cid, joined.Profile, joined.At);
        changes?.Add(new ParticipantAdded(Members.Count, member.ToParticipant()));
        return this with { Members = Members.Add(member) };
    }

    private RoomState ApplyRejoin(MemberRejoined rejoined, List<RoomChange>? changes)
    {
        var index = IndexOfMember(rejoined.Member);
        if (index < 0)
        {
            return this;
        }

        var old = Members[index];
        var updated = old with { Cid = rejoined.Cid ?? old.Cid, Profile = rejoined.Profile, LastSeen = Later(old.LastSeen, rejoined.At) };
        if (changes is not null && !SameBox(old.Profile, rejoined.Profile))
        {
            changes.Add(new ParticipantRemoved(index));
            changes.Add(new ParticipantAdded(index, updated.ToParticipant()));
        }

        return this with { Members = Members.SetItem(index, updated) };
    }

    private RoomState ApplyDeparture(MemberDeparted departed, List<RoomChange>? changes)
    {
        var index = IndexOfMember(departed.Member);
        if (index < 0)
        {
            return this;
        }

        changes?.Add(new ParticipantRemoved(index));
        return this with { Members = Members.RemoveAt(index) };
    }

    private RoomState UpdateMember(string memberId, Func<Member, Member> update)
    {
        var index = IndexOfMember(memberId);
        return index < 0 ? this : this with { Members = Members.SetItem(index, update(Members[index])) };
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static bool SameBox(SealedBox a, SealedBox b) =>
        a.Ciphertext.AsSpan().SequenceEqual(b.Ciphertext) && a.Nonce.AsSpan().SequenceEqual(b.Nonce);
}
