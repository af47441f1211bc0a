using System.Text.Json;
using System.Text.RegularExpressions;
using Chat.Actors.Rooms;
using Chat.Client.Envelope;

namespace Chat.Res.Protocol;

public enum ResRequestType
{
    Access,
    Get,
    Call,
    Auth,
}

/// <summary>
/// A RES service request as Resgate sends it: the subject says what (<c>get.room.{id}</c>,
/// <c>call.room.{id}.join</c>), the JSON body carries <c>cid</c>, <c>token</c> and <c>params</c>.
/// </summary>
public static partial class ResRequest
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
            case "call" or "auth":
                var last = rest.LastIndexOf('.');
                if (last <= 0 || last == rest.Length - 1)
                {
                    return false;
                }

                type = subject[0] == 'c' ? ResRequestType.Call : ResRequestType.Auth;
                resourceName = rest[..last];
                method = rest[(last + 1)..];
                return true;
            default:
                return false;
        }
    }

    /// <summary>Reads a request body: a JSON object (an empty body reads as <c>{}</c>), or an answer saying why not.</summary>
    public static RoomRejected? TryReadBody(ReadOnlyMemory<byte> body, out JsonDocument document)
    {
        document = null!;
        try
        {
            document = JsonDocument.Parse(body.IsEmpty ? "{}"u8.ToArray() : body, DocumentOptions);
        }
        catch (JsonException)
        {
            return RoomErrors.Invalid($"The request body is not JSON (or nests deeper than {MaxBodyDepth} levels).");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            document = null!;
            return RoomErrors.Invalid("The request body must be a JSON object.");
        }

        return null;
    }

    /// <summary>
    /// Turns a call into a room command. Every problem with the body or its parameters is an
    /// answer (<see cref="RoomRejected"/>), never an exception.
    /// </summary>
    public static RoomRejected? TryParseCall(RoomResource resource, string method, ReadOnlyMemory<byte> body, out IRoomCommand command)
    {
        command = null!;
        if (TryReadBody(body, out var document) is { } unreadable)
        {
            return unreadable;
        }

        using (document)
        {
            return TryParseCall(resource, method, document.RootElement, out command);
        }
    }

    /// <summary>
    /// A member-bound call carries the member's key, never its id: the id is derived here, at the edge, so
    /// that only the key's holder can act as that member and the key goes no further than this parse
    /// (not into a room command, an event, a log or another node).
    /// </summary>
    public static RoomRejected? TryParseCall(RoomResource resource, string method, JsonElement root, out IRoomCommand command)
    {
        command = null!;
        if (!IsKnownMethod(resource.Kind, method))
        {
            return new RoomRejected(RoomErrors.MethodNotFound, $"{resource.Rid} has no method '{method}'.");
        }

        var args = new Args(root.TryGetProperty("params", out var p) ? p : default);
        if (args.Element.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
        {
            return RoomErrors.Invalid("params must be an object.");
        }

        var cid = CidOf(root);
        var roomId = resource.RoomId;
        var parsed = (resource.Kind, method) switch
        {
            (RoomResourceKind.Room, "join") => ParseJoin(args, roomId, cid),
            (RoomResourceKind.Room, "heartbeat") => Build(args, a => new Heartbeat(roomId, a.MemberId(), cid)),
            (RoomResourceKind.Room, "leave") => Build(args, a => new LeaveRoom(roomId, a.MemberId())),
            (RoomResourceKind.Room, "typing") => Build(args, a => new Typing(
                roomId, a.MemberId(), cid, new EncryptedPayload(a.String("ciphertext"), a.String("nonce")))),
            (RoomResourceKind.Messages, "send") => Build(args, a => new SendMessage(
                roomId, a.String("id"), a.String("ciphertext"), a.String("nonce"), a.MemberId(), cid)),
            _ => Build(args, a => new GetHistory(roomId, a.Int64("before"), a.Int32("limit"))),
        };
        command = parsed.Command!;
        return parsed.Error;
    }

    /// <summary>The <c>proof</c> of <c>auth.room.{id}.unlock</c> and the connection it is for.</summary>
    public static RoomRejected? TryParseUnlock(RoomResource resource, string method, JsonElement root, out string proof, out string cid)
    {
        proof = string.Empty;
        cid = string.Empty;
        if (resource.Kind != RoomResourceKind.Room || method != UnlockMethod)
        {
            return new RoomRejected(RoomErrors.MethodNotFound, $"{resource.Rid} has no auth method '{method}'.");
        }

        // The cid becomes part of the subject the token is published on: a dot or a wildcard in it would aim elsewhere.
        if (CidOf(root) is not { } id || !CidPattern().IsMatch(id))
        {
            return new RoomRejected(RoomErrors.InvalidRequest, "An auth request names its connection (cid).");
        }

        cid = id;
        var args = new Args(root.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object ? p : default);
        try
        {
            proof = args.String("proof") ?? throw new WrongTypeException("proof is required.");
            return null;
        }
        catch (WrongTypeException e)
        {
            return RoomErrors.Invalid(e.Message);
        }
    }

    public const string UnlockMethod = "unlock";

    private static string? CidOf(JsonElement root) =>
        root.TryGetProperty("cid", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex CidPattern();

    public static bool IsKnownMethod(RoomResourceKind kind, string method) => (kind, method) switch
    {
        (RoomResourceKind.Room, "join" or "heartbeat" or "leave" or "typing") => true,
        (RoomResourceKind.Messages, "send" or "history") => true,
        _ => false,
    };

    private static (IRoomCommand? Command, RoomRejected? Error) ParseJoin(Args args, string roomId, string? cid) => Build(args, a =>
    {
        var profile = a.Object("profile");
        var payload = profile.Element.ValueKind == JsonValueKind.Undefined
            ? null
            : new EncryptedPayload(profile.String("ciphertext"), profile.String("nonce"));
        return new JoinRoom(roomId, a.MemberId(), cid, payload);
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

        /// <summary>The member id of <c>memberKey</c>; a missing or malformed key is a wrong parameter.</summary>
        public string MemberId() => String("memberKey") switch
        {
            null => throw new WrongTypeException("memberKey is required: the tab's member key (32 bytes, base64url)."),
            { } text when MemberKey.TryParse(text, out var key) => key.MemberId,
            _ => throw new WrongTypeException("memberKey must be 32 bytes as 43 base64url characters without padding."),
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
