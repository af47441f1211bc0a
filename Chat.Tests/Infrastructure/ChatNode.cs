using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Chat.Actors.Hosting;
using Chat.Actors.Rooms;
using Chat.Res.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A real cluster node built the way production builds it (<see cref="ChatClusterHostingExtensions.AddChatCluster"/>,
/// and <see cref="ChatResHostingExtensions.AddChatRes"/> when given a NATS URL), on its own free port,
/// forming a cluster of one.
/// </summary>
public sealed class ChatNode : IAsyncDisposable
{
    private readonly IHost _host;

    private ChatNode(IHost host, CapturingLoggerProvider logs)
    {
        _host = host;
        _logs = logs;
    }

    private readonly CapturingLoggerProvider _logs;

    /// <summary>Every line the node logged, at every level.</summary>
    public IReadOnlyCollection<string> Logs => _logs.Lines;

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    public IActorRef Rooms => _host.Services.GetRequiredService<IRequiredActor<RoomRegion>>().ActorRef;

    public IServiceProvider Services => _host.Services;

    public static async Task<ChatNode> StartAsync(
        string connectionString, IDictionary<string, string?>? settings = null, string? natsUrl = null, string? extraHocon = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Chat"] = connectionString,
            ["Chat:Cluster:Hostname"] = "127.0.0.1",
            ["Chat:Cluster:Port"] = "0",
        };
        if (natsUrl is not null)
        {
            values["Nats:Url"] = natsUrl;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(values);
        var logs = new CapturingLoggerProvider();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        builder.Services.AddChatCluster(builder.Configuration, (akka, _) =>
        {
            if (extraHocon is not null)
            {
                akka.AddHocon(Akka.Configuration.ConfigurationFactory.ParseString(extraHocon), HoconAddMode.Prepend);
            }
        });
        if (natsUrl is not null)
        {
            builder.Services.AddChatRes(builder.Configuration);
        }

        var host = builder.Build();
        await host.StartAsync();
        var node = new ChatNode(host, logs);
        await node.WaitUntilUpAsync(TimeSpan.FromSeconds(30));
        return node;
    }

    public async Task<T> AskAsync<T>(IRoomCommand command)
        where T : RoomReply =>
        await Rooms.Ask<T>(command, TimeSpan.FromSeconds(30));

    private async Task WaitUntilUpAsync(TimeSpan timeout)
    {
        var cluster = Cluster.Get(System);
        var up = new TaskCompletionSource();
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        await up.Task.WaitAsync(timeout);
    }

    /// <summary>
    /// Ends the actor system without leaving the cluster, as a crash would (with
    /// <c>run-by-actor-system-terminate = off</c> in the node's HOCON); the others must down it.
    /// </summary>
    public async Task CrashAsync()
    {
        await System.Terminate();
        await DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
