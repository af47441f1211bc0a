using System.Text.Json;
using System.Text.Json.Nodes;

namespace Chat.Gateway;

public enum ClientRequestKind
{
    Version,
    Subscribe,
    Unsubscribe,
    Get,
    Call,
    Auth,
}

/// <summary>
/// One RES client request, checked before it can cost anything: only resource ids and call methods
/// made of tokens that are safe as NATS subject tokens, with bounded lengths (docs/gateway.md,
/// "Limits"). Nothing that fails here ever reaches NATS.
/// </summary>
public sealed record ClientRequest(JsonNode? Id, ClientRequestKind Kind, string Rid, string? Method, JsonNode? Params)
{
    public const int MaxRidLength = 256;
    public const int MaxMethodLength = 64;
    public const int MaxIdLength = 64;

    // JSON deeper than this is no request a RES client makes; refusing it early bounds the parse.
    private const int MaxDepth = 32;

    // "unsubscribe" + '.' + rid + '.' + call method: no valid method string is longer.
    private const int MaxRequestMethodLength = 11 + 1 + MaxRidLength + 1 + MaxMethodLength;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    /// <summary>
    /// Parses one text frame. On failure the error comes with the request's id when it could be
    /// read, so the client can still match the answer to its request.
    /// </summary>
    public static ClientRequest? TryParse(ReadOnlySpan<byte> frame, out JsonNode? id, out ResError? error)
    {
        id = null;
        JsonObject request;
        try
        {
            if (JsonNode.Parse(frame, documentOptions: DocumentOptions) is not JsonObject parsed)
            {
                error = ResError.InvalidRequest("Invalid request: not a JSON object");
                return null;
            }

            request = parsed;
        }
        catch (JsonException)
        {
            id = TryReadId(frame);
            error = ResError.InvalidRequest($"Invalid request: not JSON, or nested deeper than {MaxDepth} levels");
            return null;
        }

        if (request["id"] is { } rawId)
        {
            if (!IsValidId(rawId))
            {
                error = ResError.InvalidRequest("Invalid request: id must be a number or a short string");
                return null;
            }

            id = rawId.DeepClone();
        }

        if (request["method"] is not JsonValue methodValue || !methodValue.TryGetValue<string>(out var method))
        {
            error = ResError.InvalidRequest("Invalid request: method must be a string");
            return null;
        }

        var parameters = request["params"]?.DeepClone();
        return TryParseMethod(method, id, parameters, out error);
    }

    private static ClientRequest? TryParseMethod(string method, JsonNode? id, JsonNode? parameters, out ResError? error)
    {
        error = null;
        if (method.Length > MaxRequestMethodLength)
        {
            error = ResError.InvalidRequest("Invalid request: method too long");
            return null;
        }

        if (method == "version")
        {
            return new ClientRequest(id, ClientRequestKind.Version, string.Empty, null, parameters);
        }

        var dot = method.IndexOf('.', StringComparison.Ordinal);
        var type = dot < 0 ? method : method[..dot];
        var target = dot < 0 ? string.Empty : method[(dot + 1)..];
        ClientRequestKind? kind = type switch
        {
            "subscribe" => ClientRequestKind.Subscribe,
            "unsubscribe" => ClientRequestKind.Unsubscribe,
            "get" => ClientRequestKind.Get,
            "call" => ClientRequestKind.Call,
            "auth" => ClientRequestKind.Auth,
            _ => null,
        };
        if (kind is null)
        {
            error = ResError.InvalidRequest("Invalid request: unknown method type");
            return null;
        }

        if (kind is ClientRequestKind.Call or ClientRequestKind.Auth)
        {
            var last = target.LastIndexOf('.');
            if (last <= 0 || !IsValidRid(target[..last]) || !IsValidToken(target.AsSpan(last + 1), MaxMethodLength))
            {
                error = ResError.InvalidRequest("Invalid request: malformed resource ID or method");
                return null;
            }

            return new ClientRequest(id, kind.Value, target[..last], target[(last + 1)..], parameters);
        }

        if (!IsValidRid(target))
        {
            error = ResError.InvalidRequest("Invalid request: malformed resource ID");
            return null;
        }

        return new ClientRequest(id, kind.Value, target, null, parameters);
    }

    /// <summary>Tokens of <c>[A-Za-z0-9_-]</c> joined by dots, at most <see cref="MaxRidLength"/> characters.</summary>
    public static bool IsValidRid(string rid)
    {
        if (rid.Length is 0 or > MaxRidLength)
        {
            return false;
        }

        foreach (var token in rid.AsSpan().Split('.'))
        {
            if (!IsValidToken(rid.AsSpan(token), MaxRidLength))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsValidToken(ReadOnlySpan<char> token, int maxLength)
    {
        if (token.Length == 0 || token.Length > maxLength)
        {
            return false;
        }

        foreach (var c in token)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The id of a frame that does not parse as a whole (too deep, or broken after the id), so that
    /// even its error answer reaches the request it belongs to. A forward-only scan: no tree is built,
    /// and skipping a nested value costs no recursion.
    /// </summary>
    private static JsonNode? TryReadId(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame, new JsonReaderOptions { MaxDepth = int.MaxValue });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isId)
                {
                    return reader.TokenType switch
                    {
                        JsonTokenType.Number => JsonNode.Parse(reader.ValueSpan),
                        JsonTokenType.String when reader.GetString() is { Length: <= MaxIdLength } text => JsonValue.Create(text),
                        _ => null,
                    };
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static bool IsValidId(JsonNode id) => id is JsonValue value && value.GetValueKind() switch
    {
        JsonValueKind.Number => true,
        JsonValueKind.String => value.GetValue<string>().Length <= MaxIdLength,
        _ => false,
    };
}
