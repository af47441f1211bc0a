namespace Chat.Client.Envelope;

/// <summary>What a member's encrypted profile says: the nickname and, from version 2 on, the key its messages are signed with.</summary>
public sealed record MemberProfile(string Nick, MemberPublicKey? SigningKey);
