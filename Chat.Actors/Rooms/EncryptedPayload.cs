namespace Chat.Actors.Rooms;

/// <summary>Ciphertext and nonce as they travel on the wire: standard, padded base64.</summary>
public sealed record EncryptedPayload(string? Ciphertext, string? Nonce);

/// <summary>Ciphertext and nonce after validation: the only shape the room stores.</summary>
public sealed record SealedBox(byte[] Ciphertext, byte[] Nonce)
{
    public EncryptedPayload ToPayload() => new(Convert.ToBase64String(Ciphertext), Convert.ToBase64String(Nonce));
}
