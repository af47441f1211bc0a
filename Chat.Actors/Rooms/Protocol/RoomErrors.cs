using System.Globalization;

namespace Chat.Actors.Rooms;

/// <summary>The error codes (docs/architecture.md, "Resources, calls and errors"); the codes are part of the public protocol.</summary>
public static class RoomErrors
{
    public const string NotFound = "system.notFound";
    public const string MethodNotFound = "system.methodNotFound";
    public const string InvalidParams = "system.invalidParams";
    public const string InternalError = "system.internalError";
    public const string InvalidRequest = "system.invalidRequest";
    public const string AccessDenied = "system.accessDenied";
    public const string WrongKey = "room.wrongKey";
    public const string TooManyRooms = "room.tooManyRooms";
    public const string Closed = "room.closed";
    public const string NotJoined = "room.notJoined";
    public const string Full = "room.full";
    public const string RateLimited = "room.rateLimited";
    public const string Unavailable = "room.unavailable";

    public static RoomRejected Invalid(string message) => new(InvalidParams, message);

    public static readonly RoomRejected RoomClosed = new(Closed, "The room has ended.");
    public static readonly RoomRejected MemberNotJoined = new(NotJoined, "Join the room first.");
    public static readonly RoomRejected RoomFull = new(Full, "The room is full.");

    /// <summary>A send over one of its budgets; <paramref name="retryAfter"/> is when that budget has room again.</summary>
    public static RoomRejected TooFast(SendBudgetKind budget, TimeSpan retryAfter)
    {
        var whose = budget switch
        {
            SendBudgetKind.Member => "You are sending too fast: your send budget is spent.",
            SendBudgetKind.Connection => "Your connection is sending too fast: its send budget is spent.",
            SendBudgetKind.RoomMessages => "The room is receiving too many messages: its message budget is spent.",
            _ => "The room is receiving too much data: its byte budget is spent.",
        };
        var ms = (long)Math.Ceiling(retryAfter.TotalMilliseconds);
        return new RoomRejected(RateLimited, string.Create(CultureInfo.InvariantCulture, $"{whose} Retry in {ms} ms."), retryAfter);
    }

    /// <summary>A typing notice sooner than <see cref="RoomOptions.TypingInterval"/> after the member's last one.</summary>
    public static RoomRejected TypingTooOften(TimeSpan retryAfter)
    {
        var ms = (long)Math.Ceiling(retryAfter.TotalMilliseconds);
        return new RoomRejected(RateLimited, string.Create(CultureInfo.InvariantCulture, $"One typing notice per second. Retry in {ms} ms."), retryAfter);
    }

    public static readonly RoomRejected JournalUnavailable =
        new(Unavailable, "The message was not stored; retry with the same id.");
}
