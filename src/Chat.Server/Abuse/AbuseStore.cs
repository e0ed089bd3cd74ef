using System.Collections.Concurrent;
using System.Text.Json;
using Chat.Server.Scaleout;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Server.Abuse;

/// <summary>A blocked address (its hash only), who blocked it and why. <see cref="AddressHash"/> never leaves the server.</summary>
/// <param name="Project">The project whose expert made the block: the block holds for the address in that project (its
/// own chats, and an overflow to it from the visitor's yes), and that project's coordinators see and lift it.</param>
public sealed record Block(string Id, string AddressHash, DateTimeOffset CreatedAt, DateTimeOffset Until, string Reason, string BlockedBy,
    string Project = Storage.Projects.Default);

/// <summary>
/// What abuse resistance keeps per address hash, in memory (embedded) or in Redis (shared by the nodes): blocks,
/// the visitor connections open per address, and "once per window" markers. Dumb and atomic; the rules are in
/// <see cref="AbuseGuard"/> and the router. Everything here expires by itself.
/// </summary>
public interface IAbuseStore
{
    Task AddBlockAsync(Block block);
    /// <summary>Whether a block of one of <paramref name="projects"/> holds for one of the address hashes.</summary>
    Task<bool> IsBlockedAsync(IReadOnlyList<string> addressHashes, DateTimeOffset now, IReadOnlyCollection<string> projects);
    Task<IReadOnlyList<Block>> BlocksAsync(DateTimeOffset now);
    Task<bool> RemoveBlockAsync(string id);

    /// <summary>One more open connection for the address, unless it has <paramref name="max"/> already.</summary>
    Task<bool> TryOpenConnectionAsync(string addressHash, int max);
    Task CloseConnectionAsync(string addressHash);

    /// <summary>Counts one more with <paramref name="marker"/> in a window that starts at its first count; returns the count.</summary>
    Task<long> CountInWindowAsync(string marker, TimeSpan window, DateTimeOffset now);

    /// <summary>The count of <paramref name="marker"/> in its window now (0 when none or expired), counting nothing.</summary>
    Task<long> PeekInWindowAsync(string marker, DateTimeOffset now);
}

/// <summary>A count in a window (a marker of <see cref="IAbuseStore.CountInWindowAsync"/>).</summary>
public sealed record WindowCount(long Count, DateTimeOffset Until);

/// <summary>Embedded mode: one node, in process.</summary>
public sealed class InMemoryAbuseStore : IAbuseStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Block> _blocks = new();
    private readonly ConcurrentDictionary<string, int> _connections = new();
    private readonly Dictionary<string, (long Count, DateTimeOffset Until)> _markers = new();
    private int _trimMarkersAt = 10_000;

    public Task AddBlockAsync(Block block)
    {
        lock (_gate) _blocks[block.Id] = block;
        return Task.CompletedTask;
    }

    /// <summary>The blocks, to keep across a planned restart (see Live/LiveStateFile).</summary>
    public IReadOnlyList<Block> ExportBlocks()
    {
        lock (_gate) return _blocks.Values.ToList();
    }

    /// <summary>The counts in their windows (requests while closed per address), to keep across a planned restart.</summary>
    public IReadOnlyDictionary<string, WindowCount> ExportCounts(DateTimeOffset now)
    {
        lock (_gate) return _markers.Where(kv => kv.Value.Until > now).ToDictionary(kv => kv.Key, kv => new WindowCount(kv.Value.Count, kv.Value.Until));
    }

    public void ImportCounts(IReadOnlyDictionary<string, WindowCount> counts, DateTimeOffset now)
    {
        lock (_gate)
            foreach (var (marker, c) in counts.Where(kv => kv.Value.Until > now))
                _markers[marker] = (c.Count, c.Until);
    }

    public Task<bool> IsBlockedAsync(IReadOnlyList<string> addressHashes, DateTimeOffset now, IReadOnlyCollection<string> projects)
    {
        lock (_gate)
            return Task.FromResult(_blocks.Values.Any(b => b.Until > now && addressHashes.Contains(b.AddressHash) && projects.Contains(b.Project)));
    }

    public Task<IReadOnlyList<Block>> BlocksAsync(DateTimeOffset now)
    {
        lock (_gate)
        {
            foreach (var gone in _blocks.Values.Where(b => b.Until <= now).ToList()) _blocks.Remove(gone.Id);
            return Task.FromResult<IReadOnlyList<Block>>(_blocks.Values.OrderBy(b => b.CreatedAt).ToList());
        }
    }

    public Task<bool> RemoveBlockAsync(string id)
    {
        lock (_gate) return Task.FromResult(_blocks.Remove(id));
    }

    public Task<bool> TryOpenConnectionAsync(string addressHash, int max)
    {
        lock (_gate)
        {
            var n = _connections.GetValueOrDefault(addressHash);
            if (n >= max) return Task.FromResult(false);
            _connections[addressHash] = n + 1;
            return Task.FromResult(true);
        }
    }

    public Task CloseConnectionAsync(string addressHash)
    {
        lock (_gate)
        {
            var n = _connections.GetValueOrDefault(addressHash) - 1;
            if (n <= 0) _connections.TryRemove(addressHash, out _);
            else _connections[addressHash] = n;
        }
        return Task.CompletedTask;
    }

    public Task<long> CountInWindowAsync(string marker, TimeSpan window, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_markers.Count > _trimMarkersAt)
            {
                foreach (var old in _markers.Where(kv => kv.Value.Until <= now).Select(kv => kv.Key).ToList()) _markers.Remove(old);
                _trimMarkersAt = Math.Max(10_000, _markers.Count * 2);
            }
            var (count, until) = _markers.TryGetValue(marker, out var m) && m.Until > now ? m : (0L, now + window);
            _markers[marker] = (count + 1, until);
            return Task.FromResult(count + 1);
        }
    }

    public Task<long> PeekInWindowAsync(string marker, DateTimeOffset now)
    {
        lock (_gate) return Task.FromResult(_markers.TryGetValue(marker, out var m) && m.Until > now ? m.Count : 0L);
    }
}

/// <summary>
/// Redis mode; key names in <see cref="RedisKeys"/> (Block, AddressBlocks, Blocks, AddressConnections, WindowCount).
/// A dead node's connection counts are not counted (its heartbeat key is gone) and are dropped by the next open.
/// </summary>
public sealed class RedisAbuseStore(RedisConnection redis, NodeIdentity node, IOptions<RedisOptions> options) : IAbuseStore
{
    private readonly RedisKeys _keys = new(options.Value.KeyPrefix);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Several blocks on one address each hold until their own end, and lifting one leaves the others (as in memory).
    // KEYS: block, address's blocks, all blocks. ARGV: id, json, ms, until (ms).
    private const string AddBlockScript = """
        local id, json, ms = ARGV[1], ARGV[2], tonumber(ARGV[3])
        redis.call('SET', KEYS[1], json, 'PX', ms)
        redis.call('ZADD', KEYS[2], ARGV[4], id)
        if redis.call('PTTL', KEYS[2]) < ms then redis.call('PEXPIRE', KEYS[2], ms) end
        redis.call('ZADD', KEYS[3], ARGV[4], id)
        return 1
        """;

    public async Task AddBlockAsync(Block block)
    {
        var ms = Math.Max(1, (long)(block.Until - block.CreatedAt).TotalMilliseconds);
        await redis.EvalAsync(AddBlockScript, [_keys.Block[block.Id], _keys.AddressBlocks[block.AddressHash], _keys.Blocks],
            [block.Id, JsonSerializer.Serialize(block, Json), ms, block.Until.ToUnixTimeMilliseconds()]);
    }

    // KEYS: the addresses' blocks. ARGV: now (ms), block key prefix, the projects (a block of a version before projects
    // has none: "default").
    private const string IsBlockedScript = """
        local wanted = {}
        for i = 3, #ARGV do wanted[ARGV[i]] = true end
        for _, key in ipairs(KEYS) do
          for _, id in ipairs(redis.call('ZRANGEBYSCORE', key, '('..ARGV[1], '+inf')) do
            local b = redis.call('GET', ARGV[2]..id)
            if b then
              local project = cjson.decode(b).project
              if type(project) ~= 'string' then project = 'default' end
              if wanted[project] then return 1 end
            end
          end
        end
        return 0
        """;

    public async Task<bool> IsBlockedAsync(IReadOnlyList<string> addressHashes, DateTimeOffset now, IReadOnlyCollection<string> projects) =>
        projects.Count > 0 && (int)await redis.EvalAsync(IsBlockedScript, addressHashes.Select(h => _keys.AddressBlocks[h]).ToArray(),
            [now.ToUnixTimeMilliseconds(), _keys.Block.Prefix, .. projects.Select(p => (RedisValue)p)]) == 1;

    // KEYS: all blocks. ARGV: now (ms), block key prefix.
    private const string ListScript = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        local out = {}
        for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
          local b = redis.call('GET', ARGV[2]..id)
          if b then out[#out + 1] = b else redis.call('ZREM', KEYS[1], id) end
        end
        return out
        """;

    public async Task<IReadOnlyList<Block>> BlocksAsync(DateTimeOffset now)
    {
        var r = (RedisValue[]?)await redis.EvalAsync(ListScript, [_keys.Blocks], [now.ToUnixTimeMilliseconds(), _keys.Block.Prefix]) ?? [];
        return r.Select(v => JsonSerializer.Deserialize<Block>((string)v!, Json)).OfType<Block>().OrderBy(b => b.CreatedAt).ToList();
    }

    // KEYS: all blocks, the block. ARGV: id, address's-blocks key prefix.
    private const string RemoveScript = """
        redis.call('ZREM', KEYS[1], ARGV[1])
        local b = redis.call('GET', KEYS[2])
        if not b then return 0 end
        local hash = cjson.decode(b).addressHash
        redis.call('ZREM', ARGV[2]..hash, ARGV[1])
        redis.call('DEL', KEYS[2])
        return 1
        """;

    public async Task<bool> RemoveBlockAsync(string id) =>
        (int)await redis.EvalAsync(RemoveScript, [_keys.Blocks, _keys.Block[id]], [id, _keys.AddressBlocks.Prefix]) == 1;

    // KEYS: the address's connections. ARGV: node heartbeat key prefix, this node, max.
    private const string OpenScript = """
        local nodes, me, max = ARGV[1], ARGV[2], tonumber(ARGV[3])
        local total = 0
        local fields = redis.call('HGETALL', KEYS[1])
        for i = 1, #fields, 2 do
          local n = fields[i]
          if n == me or redis.call('EXISTS', nodes..n) == 1 then total = total + tonumber(fields[i + 1])
          else redis.call('HDEL', KEYS[1], n) end
        end
        if total >= max then return 0 end
        redis.call('HINCRBY', KEYS[1], me, 1)
        redis.call('PEXPIRE', KEYS[1], 86400000)
        return 1
        """;

    public async Task<bool> TryOpenConnectionAsync(string addressHash, int max) =>
        (int)await redis.EvalAsync(OpenScript, [_keys.AddressConnections[addressHash]], [_keys.Node.Prefix, node.Id, max]) == 1;

    private const string CloseScript = """
        if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
        return 1
        """;

    public Task CloseConnectionAsync(string addressHash) =>
        redis.EvalAsync(CloseScript, [_keys.AddressConnections[addressHash]], [node.Id]);

    public async Task<long> CountInWindowAsync(string marker, TimeSpan window, DateTimeOffset now) =>
        (long)await redis.EvalAsync("local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n",
            [_keys.WindowCount[marker]], [(long)window.TotalMilliseconds]);

    // The key expires with its window.
    public async Task<long> PeekInWindowAsync(string marker, DateTimeOffset now) =>
        (long?)await redis.Db.StringGetAsync(_keys.WindowCount[marker]) ?? 0;
}
