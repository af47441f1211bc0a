namespace Chat.Tests.Infrastructure;

internal static class TestSettings
{
    /// <summary>
    /// Node settings for tests that send faster than a person may: the per-member rate limit has its
    /// own tests, everywhere else it would only throttle the load. A fresh dictionary each call.
    /// </summary>
    public static Dictionary<string, string?> LoadTest(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Chat:Rooms:RateBurst"] = "100000",
            ["Chat:Rooms:RatePerSecond"] = "100000",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
