using System.Text.Json.Nodes;

namespace Chat.Gateway;

/// <summary>
/// What each client request does, as Resgate does it: access checks, subscribe with reference
/// closure, get, unsubscribe, calls and auth (with resource responses), version. Access, call and
/// auth requests carry the connection's token.
/// </summary>
internal sealed class RequestDispatcher(
    string cid,
    IResourceListener listener,
    GatewayOptions options,
    ServiceRequester requester,
    ResourceCache cache,
    ConnectionSubscriptions subscriptions,
    ConnectionToken token,
    Action applyReceivedTokens)
{
    public const string Protocol = "1.2.3";

    /// <summary><c>system.reset</c> with access patterns: direct subscriptions whose access is gone end.</summary>
    public async Task RecheckAccessAsync(IReadOnlyList<string> patterns, CancellationToken cancellationToken)
    {
        foreach (var rid in subscriptions.DirectMatching(patterns))
        {
            var (access, error) = await AccessAsync(rid, cancellationToken);
            if (error is null && access.Get)
            {
                subscriptions.Regrant(rid, access);
            }
            else
            {
                subscriptions.Revoke(rid, error ?? ResError.AccessDenied);
            }
        }
    }

    public async Task<Reply> DispatchAsync(ClientRequest request, CancellationToken cancellationToken)
    {
        switch (request.Kind)
        {
            case ClientRequestKind.Version:
                var major = ((request.Params as JsonObject)?["protocol"] as JsonValue)?.TryGetValue<string>(out var version) == true ? version.Split('.')[0] : "1";
                return major == "1" ? Reply.Of(new JsonObject { ["protocol"] = Protocol }) : Reply.Fail(ResError.UnsupportedProtocol);
            case ClientRequestKind.Subscribe:
                return await SubscribeAsync(request.Rid, cancellationToken);
            case ClientRequestKind.Unsubscribe:
                return UnsubscribeCount(request.Params) is not { } count
                    ? Reply.Fail(new ResError("system.invalidParams", "count must be a positive integer"))
                    : subscriptions.TryRemoveDirect(request.Rid, count) ? Reply.Of(null) : Reply.Fail(ResError.NoSubscription);
            case ClientRequestKind.Get:
                return await GetAsync(request.Rid, cancellationToken);
            case ClientRequestKind.Auth:
                return await AuthAsync(request.Rid, request.Method!, request.Params, cancellationToken);
            default:
                return await CallAsync(request.Rid, request.Method!, request.Params, cancellationToken);
        }
    }

    /// <summary>How many direct subscriptions an unsubscribe takes back: 1 unless <c>count</c> says otherwise.</summary>
    private static int? UnsubscribeCount(JsonNode? parameters) => (parameters as JsonObject)?["count"] switch
    {
        null => 1,
        JsonValue value when value.TryGetValue<int>(out var n) && n > 0 => n,
        _ => null,
    };

    private async Task<Reply> SubscribeAsync(string rid, CancellationToken cancellationToken)
    {
        if (!subscriptions.IsDirect(rid) && subscriptions.DirectCount >= options.MaxSubscriptions)
        {
            return Reply.Fail(SubscriptionLimit());
        }

        // Access first: a connection holding only a room id must not make the service load that room.
        var (granted, accessError) = await AccessAsync(rid, cancellationToken);
        if (accessError is not null || !granted.Get)
        {
            return Reply.Fail(accessError ?? ResError.AccessDenied);
        }

        var collected = await CollectAsync(rid, cancellationToken);
        var error = collected.RootError;
        if (error is null && !subscriptions.TryAddDirect(rid, granted, options.MaxSubscriptions))
        {
            error = SubscriptionLimit();
        }

        if (error is not null)
        {
            subscriptions.Abandon(collected.Revealed, collected.Acquired);
            return Reply.Fail(error);
        }

        return new Reply(collected.Set, null, collected.Revealed);
    }

    private ResError SubscriptionLimit() => ResError.LimitExceeded($"More than {options.MaxSubscriptions} subscriptions.");

    private async Task<Reply> GetAsync(string rid, CancellationToken cancellationToken)
    {
        var (granted, accessError) = await AccessAsync(rid, cancellationToken);
        if (accessError is not null || !granted.Get)
        {
            return Reply.Fail(accessError ?? ResError.AccessDenied);
        }

        var collected = await CollectAsync(rid, cancellationToken);
        if (collected.RootError is not null)
        {
            subscriptions.Abandon(collected.Revealed, collected.Acquired);
            return Reply.Fail(collected.RootError);
        }

        // A get holds nothing afterwards; resources it fetched stay only if a subscription reaches them.
        return new Reply(collected.Set, null, collected.Revealed, DropAfterSend: true);
    }

    private async Task<Reply> CallAsync(string rid, string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        // A subscribed resource's access is cached with the subscription (until a reset); others are asked each time.
        var (access, accessError) = subscriptions.CachedAccess(rid) is { } cached ? (cached, null) : await AccessAsync(rid, cancellationToken);
        if (accessError is not null)
        {
            return Reply.Fail(accessError);
        }

        if (!access.AllowsCall(method))
        {
            return Reply.Fail(ResError.AccessDenied);
        }

        var response = await requester.RequestAsync($"call.{rid}.{method}", Body(parameters), cancellationToken);
        return await ReplyToAsync(response, cancellationToken);
    }

    /// <summary>
    /// <c>auth.{rid}.{method}</c>: no access check (it is how a connection gets access). A token the
    /// service set on the way is in force before the client hears the answer.
    /// </summary>
    private async Task<Reply> AuthAsync(string rid, string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        var response = await requester.RequestAsync($"auth.{rid}.{method}", Body(parameters), cancellationToken);
        applyReceivedTokens();
        return await ReplyToAsync(response, cancellationToken);
    }

    private async Task<Reply> ReplyToAsync(ServiceReply response, CancellationToken cancellationToken)
    {
        if (response.Error is not null)
        {
            return Reply.Fail(response.Error);
        }

        if (response.ResourceRid is { } newRid)
        {
            var subscribed = await SubscribeAsync(newRid, cancellationToken);
            if (subscribed.Error is not null)
            {
                return subscribed;
            }

            var result = subscribed.Result!;
            result["rid"] = newRid;
            return subscribed with { Result = result };
        }

        return Reply.Of(new JsonObject { ["payload"] = response.Result });
    }

    private JsonObject Body(JsonNode? parameters)
    {
        var body = new JsonObject { ["token"] = token.Current, ["cid"] = cid };
        if (parameters is not null)
        {
            body["params"] = parameters.DeepClone();
        }

        return body;
    }

    private async Task<(AccessGrant Access, ResError? Error)> AccessAsync(string rid, CancellationToken cancellationToken)
    {
        var response = await requester.RequestAsync($"access.{rid}", new JsonObject { ["token"] = token.Current, ["cid"] = cid }, cancellationToken);
        return response.Error is not null ? (AccessGrant.None, response.Error) : (AccessGrant.Read(response.Result), null);
    }

    /// <summary>
    /// Acquires <paramref name="root"/> and every resource it references (transitively) that this
    /// connection does not hold yet, and builds the resource set of those the client has not seen.
    /// </summary>
    private async Task<Collected> CollectAsync(string root, CancellationToken cancellationToken)
    {
        var acquired = new List<CachedResource>();
        var errors = new JsonObject();
        var queue = new Queue<string>([root]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        ResError? rootError = null;
        while (queue.TryDequeue(out var rid))
        {
            if (!seen.Add(rid))
            {
                continue;
            }

            var resource = subscriptions.Held(rid);
            if (resource is null)
            {
                var (loaded, error) = await cache.AcquireAsync(rid, cancellationToken);
                if (error is not null)
                {
                    if (rid == root)
                    {
                        rootError = error;
                    }
                    else
                    {
                        errors[rid] = error.ToJson();
                    }

                    continue;
                }

                resource = subscriptions.Hold(loaded!, out var kept);
                if (kept)
                {
                    acquired.Add(loaded!);
                }
            }

            foreach (var reference in resource?.References() ?? [])
            {
                queue.Enqueue(reference);
            }
        }

        var reveal = subscriptions.BeginReveal(seen);
        var models = new JsonObject();
        var collections = new JsonObject();
        foreach (var resource in reveal)
        {
            var data = resource.Listen(listener);
            (resource.IsModel ? models : collections)[resource.Rid] = data;
        }

        var set = new JsonObject();
        if (models.Count > 0)
        {
            set["models"] = models;
        }

        if (collections.Count > 0)
        {
            set["collections"] = collections;
        }

        if (errors.Count > 0)
        {
            set["errors"] = errors;
        }

        return new Collected(set, rootError, acquired, [.. reveal.Select(r => r.Rid)]);
    }

    public sealed record Reply(JsonObject? Result, ResError? Error, IReadOnlyList<string> Revealed, bool DropAfterSend = false)
    {
        public static Reply Of(JsonObject? result) => new(result, null, []);

        public static Reply Fail(ResError error) => new(null, error, []);
    }

    private sealed record Collected(JsonObject Set, ResError? RootError, List<CachedResource> Acquired, IReadOnlyList<string> Revealed);
}
