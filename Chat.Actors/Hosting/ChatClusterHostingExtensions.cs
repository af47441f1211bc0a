using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Chat.Actors.Persistence;
using Chat.Actors.ReadModel;
using Chat.Actors.Rooms;
using Chat.Actors.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Actors.Hosting;

public static class ChatClusterHostingExtensions
{
    /// <summary>
    /// One cluster node hosting rooms: remoting, clustering, the room shard region and
    /// Akka.Persistence.Sql on PostgreSQL, with options bound from <paramref name="configuration"/>
    /// and validated at start. Register an <see cref="IRoomOutput"/> before calling this to receive
    /// room changes (the RES adapter does); otherwise replies go back to the asking actor.
    /// </summary>
    public static IServiceCollection AddChatCluster(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<AkkaConfigurationBuilder, IServiceProvider>? configureAkka = null)
    {
        services.AddOptions<ChatClusterOptions>().Bind(configuration.GetSection(ChatClusterOptions.Section)).ValidateOnStart();
        services.AddOptions<RoomOptions>().Bind(configuration.GetSection(RoomOptions.Section)).ValidateOnStart();
        services.AddOptions<ProjectionOptions>().Bind(configuration.GetSection(ProjectionOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProjectionOptions>, ProjectionOptionsValidator>());
        services.AddOptions<ChatPersistenceOptions>()
            .Bind(configuration.GetSection(ChatPersistenceOptions.Section))
            .Configure(o => o.ConnectionString = configuration.GetConnectionString("Chat") ?? string.Empty)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChatClusterOptions>, ChatClusterOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RoomOptions>, RoomOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChatPersistenceOptions>, ChatPersistenceOptionsValidator>());
        services.TryAddSingleton<IRoomOutput, ActorReplyOutput>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RoomsWaitingForDatabase>();

        // Hosted services start in registration order: schema and migrations are in place before the journal starts.
        services.AddHostedService<DatabaseMigrationService>();
        services.AddAkka(ChatClusterOptions.SystemName, (builder, provider) =>
        {
            builder.WithChatNode(provider);
            configureAkka?.Invoke(builder, provider);
        });
        return services;
    }

    private static AkkaConfigurationBuilder WithChatNode(this AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        var cluster = provider.GetRequiredService<IOptions<ChatClusterOptions>>().Value;
        var rooms = provider.GetRequiredService<IOptions<RoomOptions>>().Value;
        var persistence = provider.GetRequiredService<IOptions<ChatPersistenceOptions>>().Value;
        var projection = provider.GetRequiredService<IOptions<ProjectionOptions>>().Value;
        var output = provider.GetRequiredService<IRoomOutput>();
        var clock = provider.GetRequiredService<TimeProvider>();
        var waiting = provider.GetRequiredService<RoomsWaitingForDatabase>();

        builder
            .ConfigureLoggers(loggers =>
            {
                // Akka logs through Microsoft.Extensions.Logging, so the host's filters and formatters apply.
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            })
            .AddHocon(ConfigurationFactory.ParseString(PersistenceHocon.Build(persistence)), HoconAddMode.Prepend)
            .AddSetup(JournalBulkCopy.Setup(persistence))
            .AddSetup(new UnansweredRequestsExtension.OutputSetup(output))
            .WithExtension<UnansweredRequestsExtension>()
            .AddHocon(ConfigurationFactory.ParseString(FailoverHocon.Build(cluster)), HoconAddMode.Prepend)
            .WithCustomSerializer("chat", [typeof(IChatMessage)], system => new ChatSerializer(system))
            .WithRemoting(new RemoteOptions
            {
                HostName = cluster.Hostname,
                PublicHostName = cluster.PublicHostname,
                Port = cluster.Port,
            })
            .WithClustering(new ClusterOptions
            {
                SeedNodes = [.. cluster.SeedNodes],
                Roles = [.. cluster.Roles],
            })
            .WithActors((system, registry) =>
            {
                // Started here rather than with WithShardRegion, which takes no allocation strategy.
                var settings = ClusterShardingSettings.Create(system)
                    .WithStateStoreMode(StateStoreMode.DData)
                    .WithRememberEntities(false)
                    .WithPassivateIdleAfter(rooms.PassivateIdleAfter)
                    .WithRole(cluster.Roles.FirstOrDefault());
                DrainingNodes.Start(system);
                var sharding = ClusterSharding.Get(system);
                var roomSettings = new RoomActorSettings(rooms, output, new JournalRoomHistory(system, ConnectionNames.Apply(persistence.ConnectionString, ConnectionNames.History), persistence.Schema), clock)
                {
                    Waiting = waiting,
                };
                var region = sharding.Start(
                    RoomMessageExtractor.TypeName,
                    roomId => RoomActor.Props(roomId, roomSettings),
                    settings,
                    new RoomMessageExtractor(cluster.ShardCount),
                    new WarmNodesFirstAllocation(sharding.DefaultShardAllocationStrategy(settings), clock),
                    StopRoom.Instance);
                registry.Register<RoomRegion>(region);
                system.WithExtension<UnansweredRequestsExtension.Started, UnansweredRequestsExtension>().Answerer
                    .Tell(new UnansweredRequests.ResendHandOffDropsTo(region));
            })
            .WithActors((system, _) => system.ActorOf(PersistenceWarmUp.Props(persistence.ConnectionString, persistence.Schema, rooms), "persistence-warm-up"))
            .WithActorSystemLivenessCheck()
            .WithAkkaClusterReadinessCheck();

        if (projection.Enabled)
        {
            // One projection per cluster: the singleton lives on the oldest node and moves when it leaves.
            builder.WithSingleton<ReadModelProjectionKey>(
                "read-model-projection",
                ReadModelProjection.Props(
                    ConnectionNames.Apply(persistence.ConnectionString, ConnectionNames.Projection), persistence.Schema, projection, clock, provider.GetRequiredService<ILoggerFactory>().CreateLogger<ReadModelProjection>()),
                new ClusterSingletonOptions { Role = cluster.Roles.FirstOrDefault() },
                createProxyToo: false);
        }

        builder.WithSingleton<ActiveRoomSweeperKey>(
            "active-room-sweeper",
            (_, registry, _) => ActiveRoomSweeper.Props(
                ConnectionNames.Apply(persistence.ConnectionString, ConnectionNames.Sweeper), registry.Get<RoomRegion>(), rooms.ActiveRoomSweepInterval, rooms.SweepWakesPerSecond),
            new ClusterSingletonOptions { Role = cluster.Roles.FirstOrDefault() },
            createProxyToo: false);

        if (cluster.SeedNodes.Count == 0)
        {
            // No seeds: this node is a cluster of one (one machine, tests).
            builder.AddStartup((system, _) =>
            {
                var self = Cluster.Get(system);
                self.Join(self.SelfAddress);
            });
        }

        return builder;
    }
}
