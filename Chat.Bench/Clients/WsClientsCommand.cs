using System.CommandLine;

namespace Chat.Bench.Clients;

/// <summary>
/// <c>Chat.Bench ws-clients</c>: the WebSocket clients of scenario 3 in a process of their own, so
/// that the node's process holds only the server ends of the connections. Hidden: the end-to-end
/// scenario starts it (<see cref="Host.ChildProcess"/>); people run the benchmark, not this.
/// </summary>
public static class WsClientsCommand
{
    public const string Name = "ws-clients";
    public const string UrlOption = "--url";
    public const string ClientsOption = "--clients";
    public const string PerRoomOption = "--per-room";
    public const string RateOption = "--rate";
    public const string WarmUpOption = "--warmup";
    public const string WindowOption = "--window";

    public static Command Create()
    {
        // System.CommandLine has no built-in Uri conversion: take the text and parse it below.
        var url = new Option<string>(UrlOption) { Description = "the gateway's WebSocket URL", Required = true };
        var clients = new Option<int>(ClientsOption) { Description = "connections to open", Required = true };
        var perRoom = new Option<int>(PerRoomOption) { Description = "clients per room", Required = true };
        var rate = new Option<double>(RateOption) { Description = "sends per second by each client, open loop", Required = true };
        var warmUp = new Option<double>(WarmUpOption) { Description = "seconds of untimed sends first", Required = true };
        var window = new Option<double>(WindowOption) { Description = "seconds of timed sends", Required = true };
        var command = new Command(Name, "Run the WebSocket clients of the end-to-end scenario; reports JSON lines on stdout.")
        {
            url,
            clients,
            perRoom,
            rate,
            warmUp,
            window,
        };
        command.Hidden = true;
        command.SetAction((result, cancellation) => WsClientsRun.RunAsync(
            new WsClientsSettings(
                new Uri(result.GetValue(url)!, UriKind.Absolute),
                result.GetValue(clients),
                result.GetValue(perRoom),
                result.GetValue(rate),
                TimeSpan.FromSeconds(result.GetValue(warmUp)),
                TimeSpan.FromSeconds(result.GetValue(window))),
            cancellation));
        return command;
    }
}
