using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Chat.Actors.Rooms;

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
    /// Asks the coordinator to move this node's shards away a few at a time (<see cref="DrainingNodes"/>)
    /// and waits until the region holds none, <paramref name="timeout"/> has passed, or no shard has moved
    /// for <see cref="DrainStall"/> (a coordinator on a node that does not know draining, during a rolling
    /// update); returns how many shards are left for the leave. Leaving at once hands every shard over
    /// together, and each room then waits for the coordinator to record all of the moves, two writes per
    /// shard one after another: with 30 shards, 0.9 s on a quiet machine and over 2 s on a busy one
    /// (docs/failover.md). Alone in the cluster, it has nowhere to move them: -1, as when the move could
    /// not start.
    /// </summary>
    public static async Task<int> MoveShardsAwayAsync(ActorSystem system, IActorRef region, TimeSpan timeout)
    {
        var cluster = Cluster.Get(system);
        var others = cluster.State.Members.Any(m => m.Status == MemberStatus.Up && !m.UniqueAddress.Equals(cluster.SelfUniqueAddress));
        if (!others || region.IsNobody())
        {
            return -1;
        }

        try
        {
            await DrainingNodes.MarkSelfAsync(system, DrainPoll * 10);
            var deadline = DateTime.UtcNow + timeout;
            var left = await ShardCountAsync(region);
            var movedAt = DateTime.UtcNow;
            while (left > 0 && DateTime.UtcNow < deadline && DateTime.UtcNow - movedAt < DrainStall)
            {
                await Task.Delay(DrainPoll);
                var now = await ShardCountAsync(region);
                movedAt = now < left ? DateTime.UtcNow : movedAt;
                left = now;
            }

            return left;
        }
        catch (Exception e) when (e is TimeoutException or AskTimeoutException or InvalidOperationException)
        {
            // Not every node heard, the region did not answer, or the actor system is already stopping: the
            // leave hands over what is left.
            return -1;
        }
    }

    private static async Task<int> ShardCountAsync(IActorRef region) =>
        (await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, DrainPoll * 10)).Shards.Count;

    private static readonly TimeSpan DrainStall = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Leaves the cluster: this node's shards are handed over (each room stops after its last write)
    /// and the actor system terminates. Idempotent; the Akka host's own stop then finds it done.
    /// </summary>
    public static Task LeaveAsync(ActorSystem system) =>
        CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
}
