namespace Chat.Client.Envelope;

/// <summary>What the server stores and relays: base64 (standard, padded) ciphertext with its tag, and the 12-byte nonce.</summary>
public sealed record SealedBox(string Ciphertext, string Nonce);
