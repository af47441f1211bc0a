using System.Collections.Concurrent;
using Chat.Bench.Measure;

namespace Chat.Bench.Res;

/// <summary>
/// Times messages from a start (the moment a send was due) to their <c>messages.add</c> event, matched
/// by message id. Only messages registered with <see cref="Expect"/> are timed; others pass by.
/// </summary>
public sealed class AddEventWatch
{
    private readonly ConcurrentDictionary<string, (long Start, bool Counted)> _expected = new(StringComparer.Ordinal);

    public Latencies Latencies { get; private set; } = new();

    public int Outstanding => _expected.Count;

    public void Expect(string messageId, long start, bool counted) => _expected[messageId] = (start, counted);

    public void Reset()
    {
        _expected.Clear();
        Latencies = new Latencies();
    }

    public void OnEvent(string subject, byte[] body, long arrived)
    {
        if (_expected.IsEmpty || MessageIds.FromAddEvent(body) is not { } id || !_expected.TryRemove(id, out var expected))
        {
            return;
        }

        if (expected.Counted)
        {
            Latencies.AddTicks(expected.Start, arrived);
        }
    }
}
