using System.Text;

namespace Chat.Tests.Browser;

/// <summary>
/// A plaintext that must never reach the server, in the forms it could take there: as it is, as UTF-8
/// hex (bytea in a row dump), and as base64 of its bytes.
/// </summary>
internal sealed record ForbiddenText(string What, string Value)
{
    public IEnumerable<string> Forms()
    {
        var bytes = Encoding.UTF8.GetBytes(Value);
        yield return Value;
        yield return Convert.ToHexString(bytes).ToLowerInvariant();
        yield return Convert.ToBase64String(bytes).TrimEnd('=');
    }

    public static IEnumerable<ForbiddenText> Secret(string secret)
    {
        yield return new("the room secret", secret);
        var standard = secret.Replace('-', '+').Replace('_', '/') + "=";
        var bytes = Convert.FromBase64String(standard);
        yield return new("the room secret's bytes in hex", Convert.ToHexString(bytes).ToLowerInvariant());
        yield return new("the room secret in standard base64", Convert.ToBase64String(bytes).TrimEnd('='));
    }

    /// <summary>Which of <paramref name="forbidden"/> occur in <paramref name="haystack"/>, named for the failure message.</summary>
    public static List<string> FoundIn(string haystack, IEnumerable<ForbiddenText> forbidden) =>
        [.. forbidden.SelectMany(f => f.Forms().Where(form => haystack.Contains(form, StringComparison.OrdinalIgnoreCase)).Select(form => $"{f.What} ({form})"))];
}
