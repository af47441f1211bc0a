using System.Text;

namespace Chat.Actors.Rooms;

/// <summary>Ciphertext and nonce as they travel on the wire: standard, padded base64.</summary>
public sealed record EncryptedPayload(string? Ciphertext, string? Nonce)
{
    // Records print their values; payloads must never reach a log line, even encrypted.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Ciphertext = ").Append(Ciphertext?.Length ?? 0).Append(" chars, Nonce = ").Append(Nonce?.Length ?? 0).Append(" chars");
        return true;
    }
}

/// <summary>Ciphertext and nonce after validation: the only shape the room stores.</summary>
public sealed record SealedBox(byte[] Ciphertext, byte[] Nonce)
{
    public EncryptedPayload ToPayload() => new(Convert.ToBase64String(Ciphertext), Convert.ToBase64String(Nonce));
}
