using System.Globalization;
using System.Text;

namespace Chat.Client.Envelope;

/// <summary>
/// Writes a flat JSON object or array of strings and integers exactly as the browser's
/// <c>JSON.stringify</c> does. The padded length, and with it the ciphertext, depends on every byte, and
/// System.Text.Json escapes characters (astral ones among them) that JSON.stringify leaves as they are.
/// </summary>
internal static class JsJson
{
    /// <summary>Number.MAX_SAFE_INTEGER: larger integers lose digits in the page.</summary>
    public const long MaxSafeInteger = (1L << 53) - 1;

    public static byte[] Object(params (string Name, object Value)[] members)
    {
        var json = new StringBuilder("{");
        foreach (var (name, value) in members)
        {
            if (json.Length > 1)
            {
                json.Append(',');
            }

            Value(Quote(json, name).Append(':'), value);
        }

        return Encoding.UTF8.GetBytes(json.Append('}').ToString());
    }

    /// <summary>A flat JSON array of strings and integers, as <c>JSON.stringify([...])</c> writes it.</summary>
    public static byte[] Array(params object[] values)
    {
        var json = new StringBuilder("[");
        foreach (var value in values)
        {
            if (json.Length > 1)
            {
                json.Append(',');
            }

            Value(json, value);
        }

        return Encoding.UTF8.GetBytes(json.Append(']').ToString());
    }

    private static StringBuilder Value(StringBuilder json, object value) => value switch
    {
        string text => Quote(json, text),
        int number => json.Append(number.ToString(CultureInfo.InvariantCulture)),
        long number when Math.Abs(number) <= MaxSafeInteger => json.Append(number.ToString(CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException($"Only strings and integers JavaScript holds exactly are written, not {value}.", nameof(value)),
    };

    private static StringBuilder Quote(StringBuilder json, string text)
    {
        json.Append('"');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            _ = c switch
            {
                '"' => json.Append("\\\""),
                '\\' => json.Append("\\\\"),
                '\b' => json.Append("\\b"),
                '\f' => json.Append("\\f"),
                '\n' => json.Append("\\n"),
                '\r' => json.Append("\\r"),
                '\t' => json.Append("\\t"),
                < ' ' => json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                // A lone surrogate has no UTF-8 form; JSON.stringify escapes it (well-formed stringify).
                _ when char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) => json.Append(c).Append(text[++i]),
                _ when char.IsSurrogate(c) => json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => json.Append(c),
            };
        }

        return json.Append('"');
    }
}
