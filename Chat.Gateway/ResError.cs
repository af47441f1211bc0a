using System.Text.Json.Nodes;

namespace Chat.Gateway;

/// <summary>A RES error as clients and services exchange it: <c>{"code","message","data"?}</c>.</summary>
public sealed record ResError(string Code, string Message, JsonNode? Data = null)
{
    public static readonly ResError Timeout = new("system.timeout", "Request timeout");
    public static readonly ResError NotFound = new("system.notFound", "Not found");
    public static readonly ResError AccessDenied = new("system.accessDenied", "Access denied");
    public static readonly ResError NoSubscription = new("system.noSubscription", "No subscription");
    public static readonly ResError InternalError = new("system.internalError", "Internal error");
    public static readonly ResError UnsupportedProtocol = new("system.unsupportedProtocol", "Unsupported protocol");

    /// <summary>A per-connection limit of the gateway was reached; the message names which.</summary>
    public const string LimitExceededCode = "gateway.limitExceeded";

    public static ResError InvalidRequest(string message) => new("system.invalidRequest", message);

    public static ResError LimitExceeded(string message) => new(LimitExceededCode, message);

    /// <summary>The error object; <see cref="Data"/> is copied, so one error can go into many frames.</summary>
    public JsonObject ToJson()
    {
        var error = new JsonObject { ["code"] = Code, ["message"] = Message };
        if (Data is not null)
        {
            error["data"] = Data.DeepClone();
        }

        return error;
    }

    /// <summary>Reads a service's error object; anything malformed is the service's bug, reported as such.</summary>
    public static ResError Read(JsonNode? node) =>
        node is JsonObject error && error["code"] is JsonValue code && code.TryGetValue<string>(out var c)
            ? new ResError(c, error["message"] is JsonValue message && message.TryGetValue<string>(out var m) ? m : c, error["data"]?.DeepClone())
            : new ResError(InternalError.Code, "Internal error: malformed error from the service");
}
