using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Chat.Server.Scaleout;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Server.Abuse;

/// <summary>
/// The client's address as the server may hold it: a keyed hash (HMAC-SHA256) under the key of the current period,
/// and the hashes under the keys still alive (a block made under yesterday's key must still hold today). The address
/// itself is never kept, logged, stored or returned; the keys rotate (<see cref="AbuseOptions.KeyRotation"/>, at most a
/// day) and expire, after which no hash can be linked to an address again.
/// </summary>
public sealed record ClientAddress(string Hash, IReadOnlyList<string> AllHashes);

/// <summary>The hash keys of the current period first, then older ones still needed (in memory, or in Redis for every node).</summary>
public interface IAddressKeys
{
    ValueTask<IReadOnlyList<byte[]>> KeysAsync(long currentPeriod, int count, TimeSpan keep);
}

/// <summary>A period's keys, published as one object (read without a lock, never half of one and half of another).</summary>
internal sealed record KeyRing(long Period, int Count, IReadOnlyList<byte[]> Keys);

/// <summary>Embedded mode: random keys in this process only.</summary>
public sealed class InMemoryAddressKeys : IAddressKeys
{
    private readonly ConcurrentDictionary<long, byte[]> _keys = new();

    // The ring changes only when the period does: every request of a period gets the same list (nothing made per request).
    private KeyRing? _ring;

    public ValueTask<IReadOnlyList<byte[]>> KeysAsync(long currentPeriod, int count, TimeSpan keep)
    {
        if (_ring is { } r && r.Period == currentPeriod && r.Count == count) return ValueTask.FromResult(r.Keys);
        foreach (var old in _keys.Keys.Where(p => p <= currentPeriod - count)) _keys.TryRemove(old, out _);
        IReadOnlyList<byte[]> keys = Enumerable.Range(0, count)
            .Select(i => _keys.GetOrAdd(currentPeriod - i, _ => RandomNumberGenerator.GetBytes(32))).ToList();
        _ring = new KeyRing(currentPeriod, count, keys);
        return ValueTask.FromResult(keys);
    }

    /// <summary>The keys, to keep across a planned restart (see Live/LiveStateFile): blocks and limits keep holding.</summary>
    public IReadOnlyDictionary<long, byte[]> Export() => _keys.ToDictionary(kv => kv.Key, kv => kv.Value);

    public void Import(IReadOnlyDictionary<long, byte[]> keys)
    {
        foreach (var (period, key) in keys) _keys.TryAdd(period, key);
        _ring = null;
    }
}

/// <summary>
/// Redis mode: the first node to need a period's key makes it (SET NX) with an expiry; every node reads the same key,
/// so a limit or a block holds whichever node a visitor reaches. Keys are cached per period in process.
///   P ak:{period}  random key bytes (TTL: as long as a hash made under it is needed)
/// </summary>
public sealed class RedisAddressKeys(RedisConnection redis, IOptions<RedisOptions> options) : IAddressKeys
{
    private readonly RedisKeys _keys = new(options.Value.KeyPrefix);
    // Per period: its key, or an empty array when Redis has none (an old period before this deployment, or expired).
    private readonly ConcurrentDictionary<long, byte[]> _cache = new();
    private KeyRing? _lastRing;

    public async ValueTask<IReadOnlyList<byte[]>> KeysAsync(long currentPeriod, int count, TimeSpan keep)
    {
        // Within a period the ring is the one read last: a key once read is cached anyway (nothing made per request).
        if (_lastRing is { } ring && ring.Period == currentPeriod && ring.Count == count) return ring.Keys;
        foreach (var old in _cache.Keys.Where(p => p <= currentPeriod - count)) _cache.TryRemove(old, out _);
        var keys = new List<byte[]>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var period = currentPeriod - i;
                if (!_cache.TryGetValue(period, out var key))
                {
                    var name = _keys.AddressKey[period.ToString(System.Globalization.CultureInfo.InvariantCulture)];
                    // A key that expired already (an old period) is not made again: its hashes are gone too.
                    key = i == 0
                        ? (byte[])(await redis.EvalAsync(
                            "redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) return redis.call('GET', KEYS[1])",
                            [name], [RandomNumberGenerator.GetBytes(32), (long)keep.TotalMilliseconds]))!
                        : (byte[]?)await redis.Db.StringGetAsync(name) ?? [];
                    _cache[period] = key;
                }
                if (key.Length > 0) keys.Add(key);
            }
        }
        catch (Exception ex) when (Conversations.Transient.Is(ex) && _lastRing is { } last)
        {
            // Redis away at the moment the period changed: keep hashing with the keys known, so sign-in and the API work.
            return last.Keys;
        }
        _lastRing = new KeyRing(currentPeriod, count, keys);
        return keys;
    }
}

/// <summary>Turns an address into its <see cref="ClientAddress"/>.</summary>
public sealed class AddressHasher(IAddressKeys keys, TimeProvider time, IOptionsMonitor<AbuseOptions> options)
{
    public async ValueTask<ClientAddress> HashAsync(IPAddress? address)
    {
        var o = options.CurrentValue;
        var period = time.GetUtcNow().ToUnixTimeMilliseconds() / (long)o.KeyRotation.TotalMilliseconds;
        // Keys live long enough for a block made under them (plus the chat before it) to be checked.
        var count = 2 + (int)Math.Ceiling(o.BlockDuration / o.KeyRotation);
        var ring = await keys.KeysAsync(period, count, o.KeyRotation * (count + 1));
        var bytes = Normalise(address);
        var hashes = new string[ring.Count];
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        for (var i = 0; i < hashes.Length; i++)
        {
            HMACSHA256.HashData(ring[i], bytes, mac);
            hashes[i] = Base64Url.EncodeToString(mac[..16]); // 22 characters, URL-safe, unpadded
        }
        return new ClientAddress(hashes[0], hashes);
    }

    /// <summary>
    /// IPv4 (also when mapped into IPv6) as is; IPv6 by its /64 prefix, since one household or phone gets a whole /64
    /// and can change the rest at will. No address (not a TCP socket): one shared bucket.
    /// </summary>
    public static byte[] Normalise(IPAddress? address)
    {
        if (address is null) return "unknown"u8.ToArray();
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var b = address.GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? b[..8] : b;
    }
}

/// <summary>The request's <see cref="ClientAddress"/>, set by <see cref="ClientAddressMiddleware"/> (after the forwarded headers).</summary>
public sealed class ClientAddressFeature(ClientAddress address)
{
    public ClientAddress Address { get; } = address;
}

/// <summary>Hashes the client address of every request to the API, the hubs and the console, once, early.</summary>
public sealed class ClientAddressMiddleware(RequestDelegate next, AddressHasher hasher)
{
    // Not async when it need not be: a middleware that awaits next() keeps its state machine alive for the whole
    // request, which for a hub's WebSocket is the whole visit (about 140 B each for every idle visitor).
    public Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        if (!path.StartsWithSegments("/api") && !path.StartsWithSegments("/hubs") && !path.StartsWithSegments("/console"))
            return next(http);
        var hashing = hasher.HashAsync(http.Connection.RemoteIpAddress);
        if (!hashing.IsCompletedSuccessfully) return HashThenNextAsync(http, hashing);
        http.Features.Set(new ClientAddressFeature(hashing.Result));
        return next(http);
    }

    private async Task HashThenNextAsync(HttpContext http, ValueTask<ClientAddress> hashing)
    {
        http.Features.Set(new ClientAddressFeature(await hashing));
        await next(http);
    }
}

public static class ClientAddressExtensions
{
    public static ClientAddress? ClientAddress(this HttpContext? http) => http?.Features.Get<ClientAddressFeature>()?.Address;
}
