using System.Globalization;

namespace Chat.Bench.Clients;

/// <summary>
/// What the WebSocket client process is asked to do; the parent turns it into the command line of
/// <c>ws-clients</c> (<see cref="WsClientsCommand"/>), so both sides read the same names.
/// </summary>
public sealed record WsClientsSettings(
    Uri Url,
    int Clients,
    int ClientsPerRoom,
    double SendsPerClientPerSecond,
    TimeSpan WarmUp,
    TimeSpan Window)
{
    public int Rooms => Math.Max(1, Clients / ClientsPerRoom);

    /// <summary>Sends per second of all clients together, open loop.</summary>
    public double Rate => Clients * SendsPerClientPerSecond;

    public IReadOnlyList<string> Arguments() =>
    [
        WsClientsCommand.Name,
        WsClientsCommand.UrlOption, Url.ToString(),
        WsClientsCommand.ClientsOption, Clients.ToString(CultureInfo.InvariantCulture),
        WsClientsCommand.PerRoomOption, ClientsPerRoom.ToString(CultureInfo.InvariantCulture),
        WsClientsCommand.RateOption, SendsPerClientPerSecond.ToString("R", CultureInfo.InvariantCulture),
        WsClientsCommand.WarmUpOption, WarmUp.TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
        WsClientsCommand.WindowOption, Window.TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
    ];
}
