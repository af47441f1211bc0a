using Akka.Actor;
using Akka.Cluster;

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
    /// Leaves the cluster: this node's shards are handed over (each room stops after its last write)
    /// and the actor system terminates. Idempotent; the Akka host's own stop then finds it done.
    /// </summary>
    public static Task LeaveAsync(ActorSystem system) =>
        CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
}
