namespace Chat.Client.Envelope;

/// <summary>
/// The plaintext of one message, <c>{"v":1,"member","nick","text","sentAt"}</c>. <see cref="SentAt"/> is
/// the sender's clock as the page writes it (ISO-8601 with milliseconds, UTC).
/// </summary>
public sealed record MessageBody(string Member, string Nick, string Text, string SentAt)
{
    public static string FormatTime(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
