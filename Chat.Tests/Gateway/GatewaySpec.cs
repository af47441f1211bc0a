using Chat.Tests.Infrastructure;
using Chat.Tests.Res;

namespace Chat.Tests.Gateway;

/// <summary>A node with the embedded gateway on its own nats-server, and a NATS listener that saw it start.</summary>
public abstract class GatewaySpec(PostgresFixture postgres) : IAsyncLifetime
{
    protected PostgresFixture Postgres { get; } = postgres;

    protected NatsServer Nats { get; private set; } = null!;

    protected FakeGateway Listener { get; private set; } = null!;

    protected GatewayNode Node { get; private set; } = null!;

    protected virtual Dictionary<string, string?>? Settings => null;

    /// <summary>The node's database: the shared one unless a spec needs its own.</summary>
    protected virtual Task<string> DatabaseAsync() => Task.FromResult(Postgres.ConnectionString);

    public virtual async Task InitializeAsync()
    {
        Nats = await NatsServer.StartAsync();
        Listener = await FakeGateway.ConnectAsync(Nats.Url);
        Node = await GatewayNode.StartAsync(await DatabaseAsync(), Nats.Url, Listener, Settings);
    }

    public virtual async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Listener.DisposeAsync();
        await Nats.DisposeAsync();
    }
}
