using System.Globalization;
using Xunit.Abstractions;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// Test output that is also appended to a file next to the tests, so a run whose console shows only
/// what passed and failed (scripts/test.sh, CI) still leaves the figures it measured behind.
/// </summary>
public sealed class ReportFileOutput(ITestOutputHelper inner, string fileName) : ITestOutputHelper
{
    private static readonly Lock Gate = new();

    public string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, fileName);

    public void WriteLine(string message)
    {
        inner.WriteLine(message);
        lock (Gate)
        {
            File.AppendAllText(FilePath, message + Environment.NewLine);
        }
    }

    public void WriteLine(string format, params object[] args) => WriteLine(string.Format(CultureInfo.InvariantCulture, format, args));
}
