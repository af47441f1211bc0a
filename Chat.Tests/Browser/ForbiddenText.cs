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

    public static IEnumerable<ForbiddenText> Secret(string secret) => Key("the room secret", secret);

    /// <summary>A 32-byte key in its base64url text form (the secret, a proof, a member key), and its bytes in hex and standard base64.</summary>
    public static IEnumerable<ForbiddenText> Key(string what, string base64Url)
    {
        yield return new(what, base64Url);
        var standard = base64Url.Replace('-', '+').Replace('_', '/') + "=";
        var bytes = Convert.FromBase64String(standard);
        yield return new($"{what}'s bytes in hex", Convert.ToHexString(bytes).ToLowerInvariant());
        yield return new($"{what} in standard base64", Convert.ToBase64String(bytes).TrimEnd('='));
    }

    /// <summary>Which of <paramref name="forbidden"/> occur in <paramref name="haystack"/>, named for the failure message.</summary>
    public static List<string> FoundIn(string haystack, IEnumerable<ForbiddenText> forbidden) =>
        [.. forbidden.SelectMany(f => f.Forms().Where(form => haystack.Contains(form, StringComparison.OrdinalIgnoreCase)).Select(form => $"{f.What} ({form})"))];
}
