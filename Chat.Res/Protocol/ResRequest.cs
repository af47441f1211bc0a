using System.Text.Json;
using Chat.Actors.Rooms;

namespace Chat.Res.Protocol;

public enum ResRequestType
{
    Access,
    Get,
    Call,
}

/// <summary>
/// A RES service request as Resgate sends it: the subject says what (<c>get.room.{id}</c>,
/// <c>call.room.{id}.join</c>), the JSON body carries <c>cid</c>, <c>token</c> and <c>params</c>.
/// </summary>
public static class ResRequest
{
    /// <summary>Our own messages nest three levels at most; a deeper body is refused, not walked.</summary>
    public const int MaxBodyDepth = 8;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxBodyDepth };

    /// <summary>Splits a request subject into its type, resource name and (for calls) method.</summary>
    public static bool TrySplitSubject(string subject, out ResRequestType type, out string resourceName, out string? method)
    {
        type = default;
        resourceName = string.Empty;
        method = null;
        var dot = subject.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == subject.Length - 1)
        {
            return false;
        }

        var rest = subject[(dot + 1)..];
        switch (subject.AsSpan(0, dot))
        {
            case "access":
                type = ResRequestType.Access;
                resourceName = rest;
                return true;
            case "get":
                type = ResRequestType.Get;
                resourceName = rest;
                return true;
            case "call":
                var last = rest.LastIndexOf('.');
                if (last <= 0 || last == rest.Length - 1)
                {
                    return false;
                }

                type = ResRequestType.Call;
                resourceName = rest[..last];
                method = rest[(last + 1)..];
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Turns a call into a room command. Every problem with the body or its parameters is an
    /// answer (<see cref="RoomRejected"/>), never an exception.
    /// </summary>
    public static RoomRejected? TryParseCall(RoomResource resource, string method, ReadOnlyMemory<byte> body, out IRoomCommand command)
    {
        command = null!;
        if (!IsKnownMethod(resource.Kind, method))
        {
            return new RoomRejected(RoomErrors.MethodNotFound, $"{resource.Rid} has no method '{method}'.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.IsEmpty ? "{}"u8.ToArray() : body, DocumentOptions);
        }
        catch (JsonException)
        {
            return RoomErrors.Invalid($"The request body is not JSON (or nests deeper than {MaxBodyDepth} levels).");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return RoomErrors.Invalid("The request body must be a JSON object.");
            }

            var root = document.RootElement;
            var args = new Args(root.TryGetProperty("params", out var p) ? p : default);
            if (args.Element.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
            {
                return RoomErrors.Invalid("params must be an object.");
            }

            var cid = root.TryGetProperty("cid", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var roomId = resource.RoomId;
            var parsed = (resource.Kind, method) switch
            {
                (RoomResourceKind.Room, "join") => ParseJoin(args, roomId, cid),
                (RoomResourceKind.Room, "heartbeat") => Build(args, a => new Heartbeat(roomId, a.String("member"), cid)),
                (RoomResourceKind.Room, "leave") => Build(args, a => new LeaveRoom(roomId, a.String("member"))),
                (RoomResourceKind.Messages, "send") => Build(args, a => new SendMessage(
                    roomId, a.String("id"), a.String("ciphertext"), a.String("nonce"), a.String("member"), cid)),
                _ => Build(args, a => new GetHistory(roomId, a.Int64("before"), a.Int32("limit"))),
            };
            command = parsed.Command!;
            return parsed.Error;
        }
    }

    public static bool IsKnownMethod(RoomResourceKind kind, string method) => (kind, method) switch
    {
        (RoomResourceKind.Room, "join" or "heartbeat" or "leave") => true,
        (RoomResourceKind.Messages, "send" or "history") => true,
        _ => false,
    };

    private static (IRoomCommand? Command, RoomRejected? Error) ParseJoin(Args args, string roomId, string? cid) => Build(args, a =>
    {
        var profile = a.Object("profile");
        var payload = profile.Element.ValueKind == JsonValueKind.Undefined
            ? null
            : new EncryptedPayload(profile.String("ciphertext"), profile.String("nonce"));
        return new JoinRoom(roomId, a.String("member"), cid, payload);
    });

    private static (IRoomCommand? Command, RoomRejected? Error) Build(Args args, Func<Args, IRoomCommand> build)
    {
        try
        {
            return (build(args), null);
        }
        catch (WrongTypeException e)
        {
            return (null, RoomErrors.Invalid(e.Message));
        }
    }

    /// <summary>Typed access to an optional JSON object: absent or null reads as null, a wrong type throws.</summary>
    private readonly record struct Args(JsonElement Element)
    {
        private JsonElement? Get(string name) =>
            Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
                ? value
                : null;

        public string? String(string name) => Get(name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } value => value.GetString(),
            _ => throw new WrongTypeException($"{name} must be a string."),
        };

        public long? Int64(string name) => Get(name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.Number } value when value.TryGetInt64(out var n) => n,
            _ => throw new WrongTypeException($"{name} must be an integer."),
        };

        public int? Int32(string name) => Get(name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.Number } value when value.TryGetInt32(out var n) => n,
            _ => throw new WrongTypeException($"{name} must be an integer."),
        };

        public Args Object(string name) => Get(name) switch
        {
            null => new Args(default),
            { ValueKind: JsonValueKind.Object } value => new Args(value),
            _ => throw new WrongTypeException($"{name} must be an object."),
        };
    }

    private sealed class WrongTypeException(string message) : Exception(message);
}
