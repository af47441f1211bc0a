namespace Chat.Actors.Rooms;

/// <summary>A participant as others see it: the member id and the encrypted profile, never the cid.</summary>
public sealed record Participant(string Member, SealedBox Profile)
{
    /// <summary>
    /// JSON around one participant item besides its profile's base64: the data wrapper, a member id of
    /// up to 64 characters, names, quotes and the separating comma come to 126 bytes at most; rounded up.
    /// </summary>
    public const int ItemOverheadBytes = 160;

    /// <summary>Bytes a participant whose profile has this many ciphertext bytes takes in the participants collection.</summary>
    public static int ResponseBytesFor(int profileCiphertextBytes) =>
        StoredMessage.Base64Length(profileCiphertextBytes) + StoredMessage.Base64Length(RoomOptions.NonceBytes) + ItemOverheadBytes;
}
