using System.Text.Json.Nodes;

namespace Chat.Gateway;

/// <summary>A service's answer to <c>access.{rid}</c>: may the connection get it, and which methods may it call.</summary>
public sealed record AccessGrant(bool Get, string Call)
{
    public static readonly AccessGrant None = new(false, string.Empty);

    public bool AllowsCall(string method) =>
        Call == "*" || Call.Split(',').Contains(method, StringComparer.Ordinal);

    public static AccessGrant Read(JsonNode? result) => result is JsonObject access
        ? new AccessGrant(
            access["get"] is JsonValue get && get.TryGetValue<bool>(out var g) && g,
            access["call"] is JsonValue call && call.TryGetValue<string>(out var c) ? c : string.Empty)
        : None;
}
