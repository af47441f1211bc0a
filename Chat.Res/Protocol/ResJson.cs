using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Chat.Actors.Rooms;

namespace Chat.Res.Protocol;

/// <summary>
/// The JSON that leaves the service: responses, events and system messages, in exactly the shapes
/// Resgate accepts. Nested objects are always data values (<c>{"data":...}</c>), references are
/// <c>{"rid":...}</c>; a bare nested object would make Resgate reject the whole response.
/// </summary>
public static class ResJson
{
    public static readonly byte[] AccessGranted = """{"result":{"get":true,"call":"*"}}"""u8.ToArray();

    /// <summary>Resgate answers <c>system.accessDenied</c> to the client; the reason is the service's to keep.</summary>
    public static readonly byte[] AccessDenied = """{"result":{"get":false}}"""u8.ToArray();

    /// <summary>The payload of <c>conn.{cid}.token</c>.</summary>
    public static byte[] TokenEvent(UnlockedRooms token) => Write(w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("token");
        token.WriteTo(w);
        w.WriteEndObject();
    });

    public static readonly byte[] NullResult = """{"result":null}"""u8.ToArray();

    public static byte[] Error(string code, string message) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("code", code);
        w.WriteString("message", message);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>
    /// A refusal with a retry hint carries it as the error's data, <c>{"retryAfterMs":n}</c>, so a
    /// client can wait exactly that long; every other error keeps the plain code and message.
    /// </summary>
    public static byte[] Error(RoomRejected rejected) => rejected.RetryAfter is not { } retryAfter
        ? Error(rejected.Code, rejected.Message)
        : Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("code", rejected.Code);
            w.WriteString("message", rejected.Message);
            w.WriteStartObject("data");
            w.WriteNumber("retryAfterMs", (long)Math.Ceiling(retryAfter.TotalMilliseconds));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });

    /// <summary>The response to a get or call for <paramref name="reply"/>.</summary>
    public static byte[] Response(RoomReply reply) => reply switch
    {
        RoomRejected rejected => Error(rejected),
        Done => NullResult,
        Joined joined => Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("resource");
            w.WriteString("rid", RoomResource.RidOf(joined.RoomId, RoomResourceKind.Room));
            w.WriteEndObject();
            w.WriteEndObject();
        }),
        MessageAccepted accepted => Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("result");
            w.WriteNumber("seq", accepted.Seq);
            w.WriteEndObject();
            w.WriteEndObject();
        }),
        HistoryPage page => Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("result");
            w.WriteStartArray("messages");
            foreach (var message in page.Messages)
            {
                WriteMessage(w, message);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }),
        RoomModel model => Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("result");
            w.WritePropertyName("model");
            WriteModel(w, model);
            w.WriteEndObject();
            w.WriteEndObject();
        }),
        MessageList list => Collection(list.Messages, WriteMessageValue),
        ParticipantList list => Collection(list.Participants, WriteParticipantValue),
        _ => Error(RoomErrors.InternalError, "Internal error"),
    };

    /// <summary>The RES event subject and payload for one change of a room's resources.</summary>
    public static (string Subject, byte[] Payload) Event(string roomId, RoomChange change) => change switch
    {
        RoomModelChanged changed => (EventSubject(roomId, RoomResourceKind.Room, "change"), Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("values");
            WriteChangedValues(w, changed.Before, changed.After);
            w.WriteEndObject();
            w.WriteEndObject();
        })),
        ParticipantAdded added => (EventSubject(roomId, RoomResourceKind.Participants, "add"), Add(added.Index, w => WriteParticipantValue(w, added.Participant))),
        ParticipantRemoved removed => (EventSubject(roomId, RoomResourceKind.Participants, "remove"), Remove(removed.Index)),
        MessageAdded added => (EventSubject(roomId, RoomResourceKind.Messages, "add"), Add(added.Index, w => WriteMessageValue(w, added.Message))),
        MessageRemoved removed => (EventSubject(roomId, RoomResourceKind.Messages, "remove"), Remove(removed.Index)),
        TypingNoticed typing => (EventSubject(roomId, RoomResourceKind.Room, TypingEvent), Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("member", typing.Member);
            w.WriteBase64String("ciphertext", typing.Box.Ciphertext);
            w.WriteBase64String("nonce", typing.Box.Nonce);
            w.WriteEndObject();
        })),
        _ => throw new ArgumentException($"Unknown change {change.GetType().Name}.", nameof(change)),
    };

    /// <summary>A custom event (no reserved name): gateways forward its payload unchanged to subscribers, keeping nothing.</summary>
    public const string TypingEvent = "typing";

    public static string EventSubject(string roomId, RoomResourceKind kind, string name) =>
        $"event.{RoomResource.RidOf(roomId, kind)}.{name}";

    /// <summary><c>system.reset</c> for every room resource and access (a node started or reconnected).</summary>
    public static readonly byte[] ResetAllRooms = """{"resources":["room.>"],"access":["room.>"]}"""u8.ToArray();

    /// <summary><c>system.reset</c> for one room's resources (it started; caches may be stale).</summary>
    public static byte[] ResetRoom(string roomId) =>
        Encoding.UTF8.GetBytes($$"""{"resources":["room.{{roomId}}","room.{{roomId}}.>"]}""");

    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WriteModel(Utf8JsonWriter w, RoomModel model)
    {
        w.WriteStartObject();
        w.WriteString("id", model.Id);
        WriteModelScalars(w, model);
        w.WriteStartObject("participants");
        w.WriteString("rid", RoomResource.RidOf(model.Id, RoomResourceKind.Participants));
        w.WriteEndObject();
        w.WriteStartObject("messages");
        w.WriteString("rid", RoomResource.RidOf(model.Id, RoomResourceKind.Messages));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteModelScalars(Utf8JsonWriter w, RoomModel model)
    {
        w.WriteString("status", StatusName(model.Status));
        WriteCreatedAt(w, model.CreatedAt);
        w.WriteNumber("participantCount", model.ParticipantCount);
        w.WriteNumber("messageCount", model.MessageCount);
    }

    /// <summary>A change event carries only the properties that differ.</summary>
    private static void WriteChangedValues(Utf8JsonWriter w, RoomModel before, RoomModel after)
    {
        if (before.Status != after.Status)
        {
            w.WriteString("status", StatusName(after.Status));
        }

        if (before.CreatedAt != after.CreatedAt)
        {
            WriteCreatedAt(w, after.CreatedAt);
        }

        if (before.ParticipantCount != after.ParticipantCount)
        {
            w.WriteNumber("participantCount", after.ParticipantCount);
        }

        if (before.MessageCount != after.MessageCount)
        {
            w.WriteNumber("messageCount", after.MessageCount);
        }
    }

    private static void WriteCreatedAt(Utf8JsonWriter w, DateTimeOffset? createdAt)
    {
        if (createdAt is { } at)
        {
            w.WriteString("createdAt", Timestamp(at));
        }
        else
        {
            w.WriteNull("createdAt");
        }
    }

    public static string StatusName(RoomStatus status) => status switch
    {
        RoomStatus.New => "new",
        RoomStatus.Active => "active",
        _ => "closed",
    };

    private static void WriteMessageValue(Utf8JsonWriter w, StoredMessage message)
    {
        w.WriteStartObject();
        w.WritePropertyName("data");
        WriteMessage(w, message);
        w.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter w, StoredMessage message)
    {
        w.WriteStartObject();
        w.WriteString("id", message.Id.ToString("D"));
        w.WriteNumber("seq", message.Seq);
        w.WriteBase64String("ciphertext", message.Ciphertext);
        w.WriteBase64String("nonce", message.Nonce);
        w.WriteString("sentAt", Timestamp(message.SentAt));
        if (message.Member is { } member)
        {
            w.WriteString("member", member);
        }

        w.WriteEndObject();
    }

    private static void WriteParticipantValue(Utf8JsonWriter w, Participant participant)
    {
        w.WriteStartObject();
        w.WriteStartObject("data");
        w.WriteString("member", participant.Member);
        w.WriteStartObject("profile");
        w.WriteBase64String("ciphertext", participant.Profile.Ciphertext);
        w.WriteBase64String("nonce", participant.Profile.Nonce);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static byte[] Collection<T>(IEnumerable<T> items, Action<Utf8JsonWriter, T> writeValue) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("result");
        w.WriteStartArray("collection");
        foreach (var item in items)
        {
            writeValue(w, item);
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static byte[] Add(int index, Action<Utf8JsonWriter> writeValue) => Write(w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("value");
        writeValue(w);
        w.WriteNumber("idx", index);
        w.WriteEndObject();
    });

    private static byte[] Remove(int index) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("idx", index);
        w.WriteEndObject();
    });

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
