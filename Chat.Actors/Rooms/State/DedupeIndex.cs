using System.Collections.Immutable;

namespace Chat.Actors.Rooms;

/// <summary>
/// The ids of the newest messages with their seq, for idempotent send. Because seq is gap-free and
/// ids are kept in seq order, the seq of each id is implied by its position.
/// </summary>
public sealed record DedupeIndex(ImmutableDictionary<Guid, long> SeqById, ImmutableQueue<Guid> Order, int Count)
{
    public static readonly DedupeIndex Empty = new(ImmutableDictionary<Guid, long>.Empty, ImmutableQueue<Guid>.Empty, 0);

    public bool TryGetSeq(Guid id, out long seq) => SeqById.TryGetValue(id, out seq);

    public DedupeIndex Add(Guid id, long seq, int capacity)
    {
        var byId = SeqById.SetItem(id, seq);
        var order = Order.Enqueue(id);
        var count = Count + 1;
        while (count > capacity)
        {
            order = order.Dequeue(out var oldest);
            byId = byId.Remove(oldest);
            count--;
        }

        return new DedupeIndex(byId, order, count);
    }

    /// <summary>Ids in seq order, oldest first.</summary>
    public IEnumerable<Guid> IdsOldestFirst => Order;

    public static DedupeIndex FromIds(IReadOnlyList<Guid> idsOldestFirst, long lastSeq, int capacity)
    {
        var index = Empty;
        var firstSeq = lastSeq - idsOldestFirst.Count + 1;
        for (var i = 0; i < idsOldestFirst.Count; i++)
        {
            index = index.Add(idsOldestFirst[i], firstSeq + i, capacity);
        }

        return index;
    }
}
