using StackExchange.Redis;

namespace Chat.Server.Scaleout;

/// <summary>
/// Our narrow door to Redis (StackExchange.Redis 3.x). Connects with retries
/// and a clear message instead of crashing when Redis is unreachable; reconnects by itself afterwards.
/// </summary>
public sealed partial class RedisConnection : IDisposable
{
    private readonly ConnectionMultiplexer _mux;

    public RedisConnection(string connectionString, ILogger<RedisConnection> logger)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false; // keep retrying in the background
        options.ConnectRetry = 3;
        options.ConnectTimeout = 5000;
        options.SyncTimeout = 5000;
        // INFO and BGREWRITEAOF (AofCompaction) count as "admin" to the client library; what this connection may do is for
        // Redis's own ACL to decide, and no code here calls FLUSHALL or its like.
        options.AllowAdmin = true;
        _mux = ConnectionMultiplexer.Connect(options);
        if (!_mux.IsConnected) RedisUnreachable(logger, string.Join(", ", options.EndPoints));
        _mux.ConnectionFailed += (_, e) => ConnectionLost(logger, e.EndPoint?.ToString() ?? "", e.FailureType.ToString());
        _mux.ConnectionRestored += (_, e) =>
        {
            ConnectionBack(logger, e.EndPoint?.ToString() ?? "");
            Restored?.Invoke();
            if (e.ConnectionType == ConnectionType.Subscription) SubscriptionRestored?.Invoke();
        };
    }

    /// <summary>Raised when the connection to Redis is back after a loss.</summary>
    public event Action? Restored;

    /// <summary>Raised when the pub/sub connection is back after a loss: what was published meanwhile never came.</summary>
    public event Action? SubscriptionRestored;

    public IDatabase Db => _mux.GetDatabase();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _hashes = new();

    /// <summary>
    /// Runs a Lua script by its SHA1 (EVALSHA: the script text is not sent or hashed by Redis every time); when
    /// Redis does not know it yet (first use, or after a restart) it is sent once with EVAL, which caches it.
    /// </summary>
    public async Task<RedisResult> EvalAsync(string script, RedisKey[]? keys = null, RedisValue[]? values = null)
    {
        var hash = _hashes.GetOrAdd(script, s => System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(s)));
        try
        {
            return await Db.ScriptEvaluateAsync(hash, keys, values);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await Db.ScriptEvaluateAsync(script, keys, values);
        }
    }

    /// <summary>
    /// Runs a Lua script by its text, every time (EVAL: Redis hashes it and runs its cached copy; without NoScriptCache the
    /// client library would switch to SCRIPT LOAD + EVALSHA). Never fails with NOSCRIPT, so calls written one after another
    /// are applied in that order even right after Redis restarted.
    /// </summary>
    public Task<RedisResult> EvalTextAsync(string script, RedisKey[]? keys = null, RedisValue[]? values = null) =>
        Db.ScriptEvaluateAsync(script, keys, values, CommandFlags.NoScriptCache);

    public ISubscriber Subscriber => _mux.GetSubscriber();
    public bool IsConnected => _mux.IsConnected;

    /// <summary>For the packages that take the connection itself (the Redis health check).</summary>
    public IConnectionMultiplexer Multiplexer => _mux;

    public void Dispose() => _mux.Dispose();

    [LoggerMessage(30, LogLevel.Error, "Redis at {Endpoints} is unreachable; retrying in the background. Chats cannot start until it is back.")]
    private static partial void RedisUnreachable(ILogger logger, string endpoints);

    [LoggerMessage(31, LogLevel.Error, "Lost the connection to Redis at {Endpoint} ({Failure}); sends fail until it is back")]
    private static partial void ConnectionLost(ILogger logger, string endpoint, string failure);

    [LoggerMessage(32, LogLevel.Information, "Connection to Redis at {Endpoint} restored")]
    private static partial void ConnectionBack(ILogger logger, string endpoint);
}
