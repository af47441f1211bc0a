namespace Chat.Actors.Rooms;

/// <summary>A message as readers get it; <see cref="Member"/> is the sender stamp, null for messages stored before it.</summary>
public sealed record StoredMessage(Guid Id, long Seq, byte[] Ciphertext, byte[] Nonce, DateTimeOffset SentAt, string? Member = null)
{
    /// <summary>
    /// JSON around one message item besides its base64: the data wrapper, id, seq (up to 19 digits),
    /// sentAt, member (up to 64 characters), names, quotes and the separating comma come to 220 bytes at
    /// most; rounded up.
    /// </summary>
    public const int ItemOverheadBytes = 224;

    /// <summary>Bytes this message takes in a response (the window, a history page); what their byte limit counts.</summary>
    public int ResponseBytes() => ResponseBytesFor(Ciphertext.Length, Nonce.Length);

    /// <summary>Bytes a message of this many ciphertext and nonce bytes takes in a response.</summary>
    public static int ResponseBytesFor(int ciphertextBytes, int nonceBytes = RoomOptions.NonceBytes) =>
        Base64Length(ciphertextBytes) + Base64Length(nonceBytes) + ItemOverheadBytes;

    internal static int Base64Length(int bytes) => (bytes + 2) / 3 * 4;
}
