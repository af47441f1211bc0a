using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace Chat.Actors.Hosting;

/// <summary>When this node may take requests from outside, and how it leaves.</summary>
public static class ClusterMembership
{
    /// <summary>
    /// Completes once this node is Up in the cluster. Before that its shard region only buffers: a
    /// node restarted while the cluster still holds its old incarnation may wait several seconds, and
    /// requests it took meanwhile would wait with it.
    /// </summary>
    public static Task WaitUntilUpAsync(ActorSystem system, CancellationToken cancellationToken)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        return up.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Completes once the shard coordinator counts <paramref name="region"/>, this node's, among its
    /// regions. Until then the region can route nothing: it buffers every request until it has registered,
    /// and a node that joins a running cluster (a rolling update, a restart after its old incarnation was
    /// removed) is Up a second or more before that on a busy machine, while a third of all requests reach
    /// it through the NATS queue group (docs/failover.md).
    /// </summary>
    public static async Task WaitUntilRegionRegisteredAsync(ActorSystem system, IActorRef region, CancellationToken cancellationToken)
    {
        var self = Cluster.Get(system).SelfAddress;
        while (true)
        {
            // The region asks the coordinator once it knows it, and answers "none" until then.
            try
            {
                var current = await region.Ask<CurrentRegions>(GetCurrentRegions.Instance, RegistrationPoll * 10, cancellationToken);
                if (current.Regions.Contains(self))
                {
                    return;
                }
            }
            catch (AskTimeoutException)
            {
                // A coordinator that is moving answers nobody; ask again.
            }

            await Task.Delay(RegistrationPoll, cancellationToken);
        }
    }

    private static readonly TimeSpan RegistrationPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Leaves the cluster: this node's shards are handed over (each room stops after its last write)
    /// and the actor system terminates. Idempotent; the Akka host's own stop then finds it done.
    /// </summary>
    public static Task LeaveAsync(ActorSystem system) =>
        CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
}
