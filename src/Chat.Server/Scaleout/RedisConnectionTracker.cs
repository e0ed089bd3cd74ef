using Chat.Server.Conversations;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Server.Scaleout;

/// <summary>
/// Redis mode: connection counts per node in Redis, so a visitor who reconnects to another node, or an expert
/// with tabs on two nodes, is seen as one. A node that dies stops its heartbeat; the sweep forgets its counts.
/// Keys (<see cref="RedisKeys"/>): per session and per expert a hash node -> count, the sets of sessions and experts
/// with counts, the sessions' "gone since" zset, and each node's heartbeat key (TTL). The store's disconnect of an
/// expert reads the expert's counts too (a console that opened on another node meanwhile keeps them connected).
/// </summary>
public sealed class RedisConnectionTracker(RedisConnection redis, NodeIdentity node, IOptions<RedisOptions> options, TimeProvider time)
    : IConnectionTracker
{
    private readonly RedisKeys _keys = new(options.Value.KeyPrefix);
    private IDatabase Db => redis.Db;

    public event Action<string>? VisitorGone;
    public event Action<string>? ExpertGone;

    private const string ConnectScript = """
        local total = 0
        for _, v in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(v) end
        redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
        redis.call('SADD', KEYS[2], ARGV[2])
        if KEYS[3] then redis.call('ZREM', KEYS[3], ARGV[2]) end
        return total
        """;

    private const string DisconnectScript = """
        local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
        if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
        local total = 0
        for _, v in ipairs(redis.call('HVALS', KEYS[1])) do total = total + tonumber(v) end
        if total > 0 then return 0 end
        redis.call('SREM', KEYS[2], ARGV[2])
        if KEYS[3] then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2]) end
        return 1
        """;

    public async Task<bool> VisitorConnectedAsync(string sessionId) =>
        (int)await redis.EvalAsync(ConnectScript, [_keys.VisitorConnections[sessionId], _keys.VisitorsConnected, _keys.VisitorsGone], [node.Id, sessionId]) == 0;

    public async Task<bool> VisitorDisconnectedAsync(string sessionId)
    {
        var last = (int)await redis.EvalAsync(DisconnectScript, [_keys.VisitorConnections[sessionId], _keys.VisitorsConnected, _keys.VisitorsGone],
            [node.Id, sessionId, time.GetUtcNow().ToUnixTimeMilliseconds()]) == 1;
        if (last) VisitorGone?.Invoke(sessionId);
        return last;
    }

    public async Task<bool> IsVisitorConnectedAsync(string sessionId) =>
        (await Db.HashValuesAsync(_keys.VisitorConnections[sessionId])).Sum(v => (long)v) > 0;

    public async Task<IReadOnlyList<string>> VisitorsGoneSinceAsync(DateTimeOffset before) =>
        (await Db.SortedSetRangeByScoreAsync(_keys.VisitorsGone, double.NegativeInfinity, before.ToUnixTimeMilliseconds(), Exclude.Stop))
        .Select(v => (string)v!).ToList();

    public async Task ForgetAsync(string sessionId)
    {
        var tx = Db.CreateTransaction();
        _ = tx.KeyDeleteAsync(_keys.VisitorConnections[sessionId]);
        _ = tx.SetRemoveAsync(_keys.VisitorsConnected, sessionId);
        _ = tx.SortedSetRemoveAsync(_keys.VisitorsGone, sessionId);
        await tx.ExecuteAsync();
    }

    public Task ExpertConnectedAsync(string expertId) =>
        redis.EvalAsync(ConnectScript, [_keys.ExpertConnections[expertId], _keys.ExpertsConnected], [node.Id, expertId]);

    public async Task<bool> ExpertDisconnectedAsync(string expertId) =>
        (int)await redis.EvalAsync(DisconnectScript, [_keys.ExpertConnections[expertId], _keys.ExpertsConnected], [node.Id, expertId, 0]) == 1;

    public void RaiseExpertGone(string expertId) => ExpertGone?.Invoke(expertId);

    // KEYS: sessions with counts, sessions gone since, experts with counts. ARGV: now (ms), then the prefixes of the
    // heartbeat, session count and expert count keys. Returns {experts left without a connection, visitor sessions that
    // had one on a dead node, experts that had one}.
    private const string SweepScript = """
        local now, nodes = ARGV[1], ARGV[2]
        local lost, hitVisitors, hitExperts = {}, {}, {}
        local function clean(hashPrefix, setKey, goneKey, hit)
          for _, id in ipairs(redis.call('SMEMBERS', setKey)) do
            local key = hashPrefix..id
            local wasHit = false
            for _, n in ipairs(redis.call('HKEYS', key)) do
              if redis.call('EXISTS', nodes..n) == 0 then
                redis.call('HDEL', key, n)
                wasHit = true
              end
            end
            if wasHit then hit[#hit + 1] = id end
            if redis.call('HLEN', key) == 0 then
              redis.call('SREM', setKey, id)
              if goneKey then redis.call('ZADD', goneKey, now, id) else lost[#lost + 1] = id end
            end
          end
        end
        clean(ARGV[3], KEYS[1], KEYS[2], hitVisitors)
        clean(ARGV[4], KEYS[3], nil, hitExperts)
        return {lost, hitVisitors, hitExperts}
        """;

    public async Task<DeadNodeSweep> SweepDeadNodesAsync()
    {
        var r = (RedisResult[]?)await redis.EvalAsync(SweepScript, [_keys.VisitorsConnected, _keys.VisitorsGone, _keys.ExpertsConnected],
            [time.GetUtcNow().ToUnixTimeMilliseconds(), _keys.Node.Prefix, _keys.VisitorConnections.Prefix, _keys.ExpertConnections.Prefix]);
        if (r is not { Length: 3 }) return DeadNodeSweep.None;
        static IReadOnlyList<string> Ids(RedisResult x) => ((RedisValue[]?)x ?? []).Select(v => (string)v!).ToList();
        return new DeadNodeSweep(Ids(r[0]), Ids(r[1]), Ids(r[2]));
    }
}

/// <summary>This node's id, random per process start.</summary>
public sealed class NodeIdentity
{
    public string Id { get; } = Environment.MachineName + "-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("n")[..8];
}

/// <summary>Keeps this node's heartbeat key alive, so the others know its connections are real.</summary>
public sealed class NodeHeartbeat(RedisConnection redis, NodeIdentity node, IOptions<RedisOptions> options, ILogger<NodeHeartbeat> logger)
    : BackgroundService
{
    private readonly RedisKeys _keys = new(options.Value.KeyPrefix);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ttl = options.Value.NodeTimeout;
        using var timer = new PeriodicTimer(ttl / 3);
        do
        {
            try
            {
                await redis.Db.StringSetAsync(_keys.Node[node.Id], "1", ttl);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning("Heartbeat to Redis failed ({Error}); retrying", ex.GetType().Name);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try { await redis.Db.KeyDeleteAsync(_keys.Node[node.Id]); }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException) { /* it expires anyway */ }
    }
}
