namespace Chat.Actors.Rooms;

/// <summary>
/// Validates ciphertext and nonce from the wire. Standard padded base64 only: .NET's decoder also
/// accepts whitespace, which would give one ciphertext several spellings.
/// </summary>
public static class SealedBoxParser
{
    public static RoomRejected? TryParse(string? ciphertext, string? nonce, int maxCiphertextBytes, string what, out SealedBox box)
    {
        box = null!;
        if (ciphertext is null)
        {
            return RoomErrors.Invalid($"{what}: ciphertext is required.");
        }

        if (nonce is null)
        {
            return RoomErrors.Invalid($"{what}: nonce is required.");
        }

        // Check the size before decoding, so an oversized body costs no allocation.
        if (!IsCanonicalBase64(ciphertext, out var ciphertextBytes))
        {
            return RoomErrors.Invalid($"{what}: ciphertext is not standard padded base64.");
        }

        if (ciphertextBytes > maxCiphertextBytes)
        {
            return RoomErrors.Invalid($"{what}: ciphertext is larger than {maxCiphertextBytes} bytes.");
        }

        if (ciphertextBytes < RoomOptions.MinCiphertextBytes)
        {
            return RoomErrors.Invalid($"{what}: ciphertext is shorter than the {RoomOptions.MinCiphertextBytes}-byte AES-GCM tag.");
        }

        if (!IsCanonicalBase64(nonce, out var nonceBytes))
        {
            return RoomErrors.Invalid($"{what}: nonce is not standard padded base64.");
        }

        if (nonceBytes != RoomOptions.NonceBytes)
        {
            return RoomErrors.Invalid($"{what}: nonce must be exactly {RoomOptions.NonceBytes} bytes.");
        }

        box = new SealedBox(Convert.FromBase64String(ciphertext), Convert.FromBase64String(nonce));
        return null;
    }

    /// <summary>True for A-Z a-z 0-9 + / with '=' padding only at the end and a length that is a multiple of 4.</summary>
    public static bool IsCanonicalBase64(string text, out int decodedLength)
    {
        decodedLength = 0;
        if (text.Length == 0 || text.Length % 4 != 0)
        {
            return false;
        }

        var padding = text[^1] == '=' ? (text[^2] == '=' ? 2 : 1) : 0;
        for (var i = 0; i < text.Length - padding; i++)
        {
            var c = text[i];
            var ok = c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '/';
            if (!ok)
            {
                return false;
            }
        }

        // Non-zero bits after the last full byte would let two strings decode to the same bytes.
        if (padding > 0)
        {
            var last = Base64Value(text[text.Length - padding - 1]);
            var unusedBits = padding == 1 ? 0b11 : 0b1111;
            if ((last & unusedBits) != 0)
            {
                return false;
            }
        }

        decodedLength = (text.Length / 4 * 3) - padding;
        return true;
    }

    private static int Base64Value(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '+' => 62,
        _ => 63,
    };
}
