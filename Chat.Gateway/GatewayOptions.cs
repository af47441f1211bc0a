using Microsoft.Extensions.Options;

namespace Chat.Gateway;

/// <summary>
/// The embedded RES gateway, bound from <c>Chat:Gateway</c>. With <see cref="Url"/> set the node runs
/// no gateway and pages connect to that one (Resgate in production). The limits bound what one
/// client can cost the node (docs/gateway.md, "Limits").
/// </summary>
public sealed class GatewayOptions
{
    public const string Section = "Chat:Gateway";

    /// <summary>An external gateway's WebSocket URL (e.g. wss://chat.example/ws); empty runs the embedded one.</summary>
    public string? Url { get; set; }

    /// <summary>How long a request to a service may take (Resgate: 3 s), unless it sends a timeout pre-response.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Largest frame a client may send; a larger one closes the connection.</summary>
    public int MaxFrameBytes { get; set; } = 256 * 1024;

    /// <summary>Bytes waiting for a slow client; a client that lets more pile up is disconnected.</summary>
    public long SendQueueBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Requests of one connection being served at once; more are refused at once.</summary>
    public int MaxRequestsInFlight { get; set; } = 32;

    /// <summary>Distinct resources one connection may subscribe to directly.</summary>
    public int MaxSubscriptions { get; set; } = 64;

    /// <summary>Sustained requests per second of one connection (token bucket refill).</summary>
    public int RequestsPerSecond { get; set; } = 50;

    /// <summary>Requests one connection may make in a burst (token bucket size).</summary>
    public int RequestBurst { get; set; } = 100;

    /// <summary>A connection that sends nothing for this long is closed (the page heartbeats every 10 s).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Open WebSocket connections on this node; further upgrades are refused with 503.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>
    /// Origins (<c>scheme://host[:port]</c>) whose pages may open the WebSocket. Empty: only the
    /// node's own origin (the request's Host). A request without an <c>Origin</c> header is no
    /// browser page and is let in.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>How long an unused resource stays cached (and its events subscribed); Resgate uses 5 s.</summary>
    public TimeSpan UnsubscribeDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Publish <c>conn.{cid}.disconnect</c> when a WebSocket closes, so rooms drop its members at once.
    /// Off, the gateway behaves like stock Resgate and presence relies on heartbeats alone.
    /// </summary>
    public bool DisconnectHint { get; set; } = true;

    public bool IsEmbedded => string.IsNullOrWhiteSpace(Url);
}

public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    private const string S = GatewayOptions.Section;

    public ValidateOptionsResult Validate(string? name, GatewayOptions o)
    {
        var errors = new List<string>();
        if (!o.IsEmbedded && (!Uri.TryCreate(o.Url, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss")))
        {
            errors.Add($"{S}:Url '{o.Url}' must be a ws:// or wss:// URL, or empty for the embedded gateway.");
        }

        if (o.RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{S}:RequestTimeout must be a positive duration.");
        }

        // Frames become NATS payloads; the deployment's max_payload is 1 MiB (nats.conf).
        Range(errors, "MaxFrameBytes", o.MaxFrameBytes, 1024, 512 * 1024);
        Range(errors, "SendQueueBytes", o.SendQueueBytes, 64 * 1024, 1024L * 1024 * 1024);
        Range(errors, "MaxRequestsInFlight", o.MaxRequestsInFlight, 1, 10_000);
        Range(errors, "MaxSubscriptions", o.MaxSubscriptions, 1, 10_000);
        Range(errors, "RequestsPerSecond", o.RequestsPerSecond, 1, 1_000_000);
        Range(errors, "RequestBurst", o.RequestBurst, 1, 1_000_000);
        Range(errors, "MaxConnections", o.MaxConnections, 1, 1_000_000);
        if (o.IdleTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{S}:IdleTimeout must be a positive duration.");
        }

        if (o.UnsubscribeDelay < TimeSpan.Zero)
        {
            errors.Add($"{S}:UnsubscribeDelay must not be negative.");
        }

        for (var i = 0; i < o.AllowedOrigins.Length; i++)
        {
            if (!OriginPolicy.IsOrigin(o.AllowedOrigins[i]))
            {
                errors.Add($"{S}:AllowedOrigins:{i} '{o.AllowedOrigins[i]}' must be an origin such as https://chat.example or http://127.0.0.1:8080 (scheme, host, optional port; no path).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Range(List<string> errors, string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{S}:{key} must be between {min} and {max}; it is {value}.");
        }
    }
}
