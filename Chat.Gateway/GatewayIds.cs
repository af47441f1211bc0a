using System.Security.Cryptography;

namespace Chat.Gateway;

internal static class GatewayIds
{
    /// <summary>A connection id like Resgate's: 20 characters, a valid NATS subject token.</summary>
    public static string New()
    {
        const string alphabet = "0123456789abcdefghijklmnopqrstuv";
        Span<byte> bytes = stackalloc byte[20];
        RandomNumberGenerator.Fill(bytes);
        var chars = new char[20];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[bytes[i] & 31];
        }

        return new string(chars);
    }
}
