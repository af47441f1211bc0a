using System.Buffers.Text;

namespace Chat.Client.Envelope;

/// <summary>
/// docs/signatures.md: what a version 2 message signs, sign then encrypt. The signed bytes are the UTF-8 of
/// <c>JSON.stringify(["chat/v2/message", room, id, member, counter, sentAt, nick, text])</c>, so a signature moved to
/// another room, another message id or another sender does not verify.
/// </summary>
public static class MessageSignature
{
    public const string Purpose = "chat/v2/message";

    /// <summary>Signature length: r || s, 32 bytes each.</summary>
    public const int Length = 64;

    public static byte[] Content(string roomId, string messageId, MessageBody body)
    {
        ArgumentNullException.ThrowIfNull(body);
        return JsJson.Array(Purpose, roomId, messageId, body.Member, body.Counter, body.SentAt, body.Nick, body.Text);
    }

    /// <summary>The body as version 2: the signer's next counter and its signature.</summary>
    public static MessageBody Sign(MemberSigner signer, string roomId, string messageId, MessageBody body)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var counted = body with { Version = 2, Counter = signer.NextCounter(), Signature = null };
        return counted with { Signature = Base64Url.EncodeToString(signer.Sign(Content(roomId, messageId, counted))) };
    }

    public static bool Verifies(MemberPublicKey key, string roomId, string messageId, MessageBody body)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(body);
        return body.Version == 2
            && Base64UrlText.TryDecode(body.Signature, Length, out var signature)
            && key.Verifies(Content(roomId, messageId, body), signature);
    }
}
