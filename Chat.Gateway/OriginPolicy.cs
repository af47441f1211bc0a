namespace Chat.Gateway;

/// <summary>
/// Which web pages may open the gateway's WebSocket. Browsers let any page open a WebSocket to any
/// host and send the visitor along; the <c>Origin</c> header is how the server tells (cross-site
/// WebSocket hijacking). Clients that are not browsers send no Origin, and could forge one anyway.
/// </summary>
public sealed class OriginPolicy(IReadOnlyList<string> allowed)
{
    private readonly HashSet<string> _allowed = allowed.Select(Normalize).ToHashSet(StringComparer.Ordinal);

    /// <param name="origin">The request's Origin header, or null when it has none.</param>
    /// <param name="host">The request's Host header: the node's own origin when no list is configured.</param>
    public bool Allows(string? origin, string host)
    {
        if (origin is null)
        {
            return true;
        }

        if (!IsOrigin(origin))
        {
            return false;
        }

        var normalized = Normalize(origin);
        return _allowed.Count > 0
            ? _allowed.Contains(normalized)
            : string.Equals(new Uri(normalized).Authority, NormalizeHost(host, new Uri(normalized).Scheme), StringComparison.OrdinalIgnoreCase);
    }

    public static bool IsOrigin(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && uri.AbsolutePath == "/"
        && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo);

    private static string Normalize(string origin) => new Uri(origin).GetLeftPart(UriPartial.Authority).ToLowerInvariant();

    // Host "chat.example:443" and Origin "https://chat.example" are the same place.
    private static string NormalizeHost(string host, string scheme) =>
        Uri.TryCreate($"{scheme}://{host}", UriKind.Absolute, out var uri) ? uri.Authority : host;
}
