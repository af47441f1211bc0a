namespace Chat.Client.Envelope;

/// <summary>docs/signatures.md: what a reader may believe about who wrote a message it could decrypt.</summary>
public enum MessageTrust
{
    /// <summary>Signed by the key in the sender's profile, the server's stamp names the same member, and the counter fits.</summary>
    Verified,

    /// <summary>A version 1 message: written before signatures, or by a client without them.</summary>
    NotSigned,

    /// <summary>The server stamped another member than the one the body names: someone wrote under another's name.</summary>
    StampMismatch,

    /// <summary>The sender's profile holds no signing key (or is unknown to the reader).</summary>
    UnknownKey,

    /// <summary>The signature does not verify under the sender's key.</summary>
    BadSignature,

    /// <summary>The counter does not increase with the room's order: a replayed or reordered message.</summary>
    CounterNotIncreasing,
}
