namespace Chat.Tests.Infrastructure;

internal static class TestSettings
{
    /// <summary>
    /// Node settings for tests that send faster than a person may: the send budgets (member,
    /// connection, room) have their own tests, everywhere else they would only throttle the load.
    /// A fresh dictionary each call.
    /// </summary>
    public static Dictionary<string, string?> LoadTest(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Chat:Rooms:RateBurst"] = "100000",
            ["Chat:Rooms:RatePerSecond"] = "100000",
            ["Chat:Rooms:ConnectionRateBurst"] = "100000",
            ["Chat:Rooms:ConnectionRatePerSecond"] = "100000",
            ["Chat:Rooms:RoomRateBurst"] = "1000000",
            ["Chat:Rooms:RoomRatePerSecond"] = "1000000",
            ["Chat:Rooms:RoomBytesBurst"] = "2000000000",
            ["Chat:Rooms:RoomBytesPerSecond"] = "2000000000",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
