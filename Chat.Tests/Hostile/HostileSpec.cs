using Chat.Actors.Rooms;
using Chat.Gateway;
using Chat.Nats;
using Chat.Res.Hosting;
using Chat.Tests.Gateway;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Hostile;

/// <summary>
/// A real node and nats-server with bystanders in two rooms. After every attack: the attacker got
/// a clear answer or a closed socket with a reason, neither of the node's NATS connections was ever
/// lost, and the bystanders kept talking.
/// </summary>
public abstract class HostileSpec(PostgresFixture postgres) : GatewaySpec(postgres)
{
    protected Bystanders Bystanders { get; private set; } = null!;

    /// <summary>
    /// Attacks meet the node as deployed: the send budgets at their defaults (other tests open them
    /// up for load), plus what a test class sets in <see cref="Overrides"/>.
    /// </summary>
    protected sealed override Dictionary<string, string?> Settings
    {
        get
        {
            var defaults = new RoomOptions();
            var settings = new Dictionary<string, string?>
            {
                ["Chat:Rooms:RatePerSecond"] = Invariant(defaults.RatePerSecond),
                ["Chat:Rooms:RateBurst"] = Invariant(defaults.RateBurst),
                ["Chat:Rooms:ConnectionRatePerSecond"] = Invariant(defaults.ConnectionRatePerSecond),
                ["Chat:Rooms:ConnectionRateBurst"] = Invariant(defaults.ConnectionRateBurst),
                ["Chat:Rooms:RoomRatePerSecond"] = Invariant(defaults.RoomRatePerSecond),
                ["Chat:Rooms:RoomRateBurst"] = Invariant(defaults.RoomRateBurst),
                ["Chat:Rooms:RoomBytesPerSecond"] = Invariant(defaults.RoomBytesPerSecond),
                ["Chat:Rooms:RoomBytesBurst"] = Invariant(defaults.RoomBytesBurst),
            };
            foreach (var (key, value) in Overrides)
            {
                settings[key] = value;
            }

            return settings;
        }
    }

    protected virtual Dictionary<string, string?> Overrides => [];

    protected NatsConnectionEvents NatsEvents => Node.Services.GetRequiredService<NatsConnectionEvents>();

    protected ResGateway Gateway => Node.Services.GetRequiredService<ResGateway>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Bystanders = await Bystanders.JoinAsync(Node.WebSocketUri);
    }

    public override async Task DisposeAsync()
    {
        await Bystanders.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Runs the attack while the bystanders talk, then checks the node is unharmed.</summary>
    protected async Task UnderAttack(Func<Task> attack)
    {
        await Bystanders.ProveAliveAsync();
        Bystanders.StartTalking();
        await attack();
        await Bystanders.StopTalkingAsync();
        NodeConnectionsNeverLost();
    }

    protected void NodeConnectionsNeverLost()
    {
        NatsEvents.Disconnects(NatsConnectionEvents.Service).Should().Be(0, "nothing a client does may drop the service's NATS connection");
        NatsEvents.Disconnects(NatsConnectionEvents.Gateway).Should().Be(0, "nothing a client does may drop the gateway's NATS connection");
    }

    protected Task<WsClient> Attacker(string? origin = null) => WsClient.ConnectAsync(Node.WebSocketUri, origin: origin);

    private static string Invariant(IFormattable value) => value.ToString(null, System.Globalization.CultureInfo.InvariantCulture);
}
