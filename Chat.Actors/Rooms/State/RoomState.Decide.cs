using System.Collections.Immutable;

namespace Chat.Actors.Rooms;

public sealed partial record RoomState
{
    /// <summary>
    /// The rules of docs/architecture.md, "The room lifecycle" and "Resources, calls and errors". Never throws for bad input: every malformed command is
    /// answered with its error code and no events.
    /// </summary>
    public Decision Decide(IRoomCommand command, DateTimeOffset now) => command switch
    {
        JoinRoom join => DecideJoin(join, now),
        SendMessage send => DecideSend(send, now),
        Heartbeat heartbeat => DecideHeartbeat(heartbeat, now),
        LeaveRoom leave => DecideLeave(leave),
        Typing typing => DecideTyping(typing, now),
        GetHistory history => DecideHistory(history),
        ConnectionClosed closed => DecideConnectionClosed(closed),
        ExpireMembers => DecideExpiry(now),
        EndGracePeriod => DecideGraceEnd(now),
        GetRoom => Decision.Answer(Model),
        GetMessages => Decision.Answer(new MessageList(Status == RoomStatus.Closed ? [] : Window.ToImmutableArray())),
        GetParticipants => Decision.Answer(new ParticipantList(Members.Select(m => m.ToParticipant()).ToImmutableArray())),
        _ => Decision.Answer(new RoomRejected(RoomErrors.MethodNotFound, $"Unknown command {command.GetType().Name}.")),
    };

    private Decision DecideJoin(JoinRoom join, DateTimeOffset now)
    {
        if (Status == RoomStatus.Closed)
        {
            return Decision.Answer(RoomErrors.RoomClosed);
        }

        if (InvalidMember(join.Member) is { } badMember)
        {
            return Decision.Answer(badMember);
        }

        if (join.Profile is null)
        {
            return Decision.Answer(RoomErrors.Invalid("profile is required."));
        }

        if (SealedBoxParser.TryParse(join.Profile.Ciphertext, join.Profile.Nonce, Options.MaxProfileBytes, "profile", out var profile) is { } badProfile)
        {
            return Decision.Answer(badProfile);
        }

        var joined = new Joined(RoomId);
        if (FindMember(join.Member!) is not null)
        {
            return Decision.Of(joined, new MemberRejoined(join.Member!, join.Cid, profile, now));
        }

        if (Members.Count >= Options.MaxParticipants)
        {
            return Decision.Answer(RoomErrors.RoomFull);
        }

        var member = new MemberJoined(join.Member!, join.Cid, profile, now);
        return Status == RoomStatus.New
            ? Decision.Of(joined, new RoomActivated(RoomId, now), member)
            : Decision.Of(joined, member);
    }

    private Decision DecideSend(SendMessage send, DateTimeOffset now)
    {
        if (Status == RoomStatus.Closed)
        {
            return Decision.Answer(RoomErrors.RoomClosed);
        }

        if (!RoomIds.TryParseMessageId(send.Id, out var messageId))
        {
            return Decision.Answer(RoomErrors.Invalid("id must be a UUID v4."));
        }

        if (SealedBoxParser.TryParse(send.Ciphertext, send.Nonce, Options.MaxMessageBytes, "message", out var box) is { } badBox)
        {
            return Decision.Answer(badBox);
        }

        if (InvalidMember(send.Member) is { } badMember)
        {
            return Decision.Answer(badMember);
        }

        // A retry of a stored message: same answer, nothing appended.
        if (Dedupe.TryGetSeq(messageId, out var originalSeq))
        {
            return Decision.Answer(new MessageAccepted(originalSeq));
        }

        if (FindMember(send.Member!) is not { } member)
        {
            return Decision.Answer(RoomErrors.MemberNotJoined);
        }

        var bytes = box.Ciphertext.Length;
        if (Budgets.Refusal(member.Id, send.Cid, bytes, now, Options) is { } tooFast)
        {
            return Decision.Answer(tooFast);
        }

        var seq = LastSeq + 1;
        return Decision.Of(
            new MessageAccepted(seq),
            new MessageAppended(RoomId, messageId, seq, box.Ciphertext, box.Nonce, now, member.Id),
            new MemberSent(member.Id, send.Cid, bytes, now));
    }

    private Decision DecideHeartbeat(Heartbeat heartbeat, DateTimeOffset now)
    {
        if (Status == RoomStatus.Closed)
        {
            return Decision.Answer(RoomErrors.RoomClosed);
        }

        if (InvalidMember(heartbeat.Member) is { } badMember)
        {
            return Decision.Answer(badMember);
        }

        return FindMember(heartbeat.Member!) is null
            ? Decision.Answer(RoomErrors.MemberNotJoined)
            : Decision.Of(Done.Instance, new MemberSeen(heartbeat.Member!, heartbeat.Cid, now));
    }

    private Decision DecideTyping(Typing typing, DateTimeOffset now)
    {
        if (Status == RoomStatus.Closed)
        {
            return Decision.Answer(RoomErrors.RoomClosed);
        }

        if (InvalidMember(typing.Member) is { } badMember)
        {
            return Decision.Answer(badMember);
        }

        if (typing.Box is null)
        {
            return Decision.Answer(RoomErrors.Invalid("ciphertext and nonce are required."));
        }

        if (SealedBoxParser.TryParse(typing.Box.Ciphertext, typing.Box.Nonce, RoomOptions.MaxTypingBytes, "typing notice", out var box) is { } badBox)
        {
            return Decision.Answer(badBox);
        }

        if (FindMember(typing.Member!) is not { } member)
        {
            return Decision.Answer(RoomErrors.MemberNotJoined);
        }

        // Every subscriber gets each notice: one per member per interval, whatever a client sends.
        if (member.LastTyping is { } last && now - last < RoomOptions.TypingInterval)
        {
            return Decision.Answer(RoomErrors.TypingTooOften(RoomOptions.TypingInterval - (now - last)));
        }

        return Decision.Of(Done.Instance, new MemberTyping(member.Id, typing.Cid, box, now));
    }

    private Decision DecideLeave(LeaveRoom leave)
    {
        if (InvalidMember(leave.Member) is { } badMember)
        {
            return Decision.Answer(badMember);
        }

        // Leaving twice (pagehide after an expiry) is not an error: the member is gone either way.
        return FindMember(leave.Member!) is null
            ? Decision.Answer(Done.Instance)
            : Decision.Of(Done.Instance, new MemberDeparted(leave.Member!, DepartureReason.Left));
    }

    private Decision DecideHistory(GetHistory history)
    {
        if (Status == RoomStatus.Closed)
        {
            return Decision.Answer(RoomErrors.RoomClosed);
        }

        if (history.Limit is not { } limit || limit < 1 || limit > RoomOptions.MaxHistoryLimit)
        {
            return Decision.Answer(RoomErrors.Invalid($"limit must be between 1 and {RoomOptions.MaxHistoryLimit}."));
        }

        if (history.Before is not { } before || before < 1)
        {
            return Decision.Answer(RoomErrors.Invalid("before must be a seq of at least 1."));
        }

        var to = Math.Min(before - 1, LastSeq);
        if (to < 1)
        {
            return Decision.Answer(new HistoryPage([]));
        }

        var from = Math.Max(1, to - limit + 1);
        if (Window.Count > 0 && Window[0].Seq <= from)
        {
            return Decision.Answer(HistoryPageOf(Window.Where(m => m.Seq >= from && m.Seq <= to).ToList()));
        }

        return new Decision(ImmutableArray<IRoomEvent>.Empty, null, new SeqRange(from, to));
    }

    private Decision DecideConnectionClosed(ConnectionClosed closed)
    {
        var departures = Members
            .Where(m => m.Cid is not null && m.Cid == closed.Cid)
            .Select(m => (IRoomEvent)new MemberDeparted(m.Id, DepartureReason.Disconnected))
            .ToImmutableArray();
        return new Decision(departures, null);
    }

    private Decision DecideExpiry(DateTimeOffset now)
    {
        var expired = Members
            .Where(m => now - m.LastSeen > Options.HeartbeatTimeout)
            .Select(m => (IRoomEvent)new MemberDeparted(m.Id, DepartureReason.Expired))
            .ToImmutableArray();
        return new Decision(expired, null);
    }

    private Decision DecideGraceEnd(DateTimeOffset now) =>
        IsAwaitingClose ? Decision.Of(null, new RoomDeactivated(RoomId, now)) : Decision.Nothing;

    private static RoomRejected? InvalidMember(string? member) =>
        RoomIds.IsValidMemberId(member)
            ? null
            : RoomErrors.Invalid("member must be 16 to 64 characters of A-Z, a-z, 0-9, '_' or '-'.");
}
