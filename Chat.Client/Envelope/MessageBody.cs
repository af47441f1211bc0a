namespace Chat.Client.Envelope;

/// <summary>
/// The plaintext of one message. Version 1 is <c>{"v":1,"member","nick","text","sentAt"}</c>; version 2 adds the
/// sender's <see cref="Counter"/> and <see cref="Signature"/> (docs/signatures.md). <see cref="SentAt"/> is the sender's
/// clock as the page writes it (ISO-8601 with milliseconds, UTC).
/// </summary>
public sealed record MessageBody(string Member, string Nick, string Text, string SentAt)
{
    public int Version { get; init; } = 1;

    /// <summary>Version 2: 1 for the sender's first message under its key, one more for each after it.</summary>
    public long Counter { get; init; }

    /// <summary>Version 2: base64url of the ECDSA P-256 signature (r || s) over <see cref="MessageSignature.Content"/>.</summary>
    public string? Signature { get; init; }

    public static string FormatTime(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
