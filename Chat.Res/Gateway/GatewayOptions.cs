using Microsoft.Extensions.Options;

namespace Chat.Res.Gateway;

/// <summary>
/// The embedded RES gateway, bound from <c>Chat:Gateway</c>. With <see cref="Url"/> set the node runs
/// no gateway and pages connect to that one (Resgate in production).
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

    /// <summary>Messages waiting for a slow client; a client that lets more pile up is disconnected.</summary>
    public int SendQueueLimit { get; set; } = 1024;

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

        if (o.MaxFrameBytes is < 1024 or > 16 * 1024 * 1024)
        {
            errors.Add($"{S}:MaxFrameBytes must be between 1024 and 16777216; it is {o.MaxFrameBytes}.");
        }

        if (o.SendQueueLimit is < 1 or > 1_000_000)
        {
            errors.Add($"{S}:SendQueueLimit must be between 1 and 1000000; it is {o.SendQueueLimit}.");
        }

        if (o.UnsubscribeDelay < TimeSpan.Zero)
        {
            errors.Add($"{S}:UnsubscribeDelay must not be negative.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
