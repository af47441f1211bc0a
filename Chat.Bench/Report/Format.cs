using System.Globalization;

namespace Chat.Bench.Report;

internal static class Format
{
    public static string Value(double value) => double.IsNaN(value) ? "n/a" : Math.Abs(value) switch
    {
        >= 1000 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };

    public static string Ratio(double? ratio) => ratio is { } r && !double.IsNaN(r) ? r.ToString("0.###", CultureInfo.InvariantCulture) : "";
}
