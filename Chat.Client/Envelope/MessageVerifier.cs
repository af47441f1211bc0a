namespace Chat.Client.Envelope;

/// <summary>
/// docs/signatures.md: checks the messages of one room as a reader sees them, in any order (history loads older pages
/// later). For each sender key, counters must increase with the room's seq: a message whose counter is not above every
/// counter of that key at a lower seq, and below every one at a higher seq, is a replay or a reordering.
/// Messages are given once each; the reader drops an id it has already shown before asking.
/// </summary>
public sealed class MessageVerifier(string roomId)
{
    private readonly Dictionary<string, SortedList<long, long>> _countersBySeq = new(StringComparer.Ordinal);

    public MessageTrust Check(string messageId, long seq, string? stamp, MessageBody body, MemberPublicKey? senderKey)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Version != 2)
        {
            return MessageTrust.NotSigned;
        }

        if (!string.Equals(stamp, body.Member, StringComparison.Ordinal))
        {
            return MessageTrust.StampMismatch;
        }

        if (senderKey is null)
        {
            return MessageTrust.UnknownKey;
        }

        if (!MessageSignature.Verifies(senderKey, roomId, messageId, body))
        {
            return MessageTrust.BadSignature;
        }

        var key = $"{body.Member}|{senderKey.Text}";
        if (!_countersBySeq.TryGetValue(key, out var counters))
        {
            _countersBySeq[key] = counters = [];
        }

        if (!Fits(counters, seq, body.Counter))
        {
            return MessageTrust.CounterNotIncreasing;
        }

        counters[seq] = body.Counter;
        return MessageTrust.Verified;
    }

    // Accepted counters increase with seq, so only the two neighbours of the new seq need comparing.
    private static bool Fits(SortedList<long, long> counters, long seq, long counter)
    {
        var seqs = counters.Keys;
        int low = 0, high = seqs.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (seqs[middle] < seq)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return (low == seqs.Count || (seqs[low] != seq && counters.Values[low] > counter))
            && (low == 0 || counters.Values[low - 1] < counter);
    }
}
