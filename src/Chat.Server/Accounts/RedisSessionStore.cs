using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Server.Scaleout;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Server.Accounts;

/// <summary>
/// Redis mode: every node reads and ends the same sessions. A session is one string key (named by the hash of the
/// session key), its value protected with Data Protection (the ticket, its times and client name are never in Redis in
/// the clear), expiring with the ticket; the account's index is a hash handle -> key hash that expires with its last
/// session. On the project's own connection (one multiplexer, the key names of <see cref="RedisKeys"/>, atomic Lua).
/// </summary>
public sealed class RedisSessionStore(RedisConnection redis, IOptions<RedisOptions> redisOptions, IDataProtectionProvider protection,
    TimeProvider time, ChatNotifier notify, IOptions<IdentityOptions> identity)
    : ServerSessions(time, notify, identity)
{
    private readonly RedisKeys _keys = new(redisOptions.Value.KeyPrefix);
    private readonly IDataProtector _protector = protection.CreateProtector("Chat.SignInSessions.v1");

    // KEYS: the session, the account's index. ARGV: value, ttl (ms), handle, key hash, only-if-exists (1/0).
    private const string PutScript = """
        if ARGV[5] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
        if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
        return 1
        """;

    // KEYS: the session, the account's index. ARGV: handle, key hash. Removes the index entry only if it still names this key.
    private const string DeleteScript = """
        local n = redis.call('DEL', KEYS[1])
        if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[2], ARGV[1]) end
        return n
        """;

    protected override async Task<ServerSession?> GetAsync(string keyHash) => Open(await redis.Db.StringGetAsync(_keys.SignIn[keyHash]));

    protected override async Task PutAsync(string keyHash, ServerSession session, bool onlyIfExists)
    {
        var ttl = (long)Math.Max(1000, (session.ExpiresAt - Now).TotalMilliseconds);
        var value = _protector.Protect(JsonSerializer.SerializeToUtf8Bytes(session, LocalFanout.Json));
        await redis.EvalAsync(PutScript, [_keys.SignIn[keyHash], _keys.AccountSignIns[session.UserId]],
            [value, ttl, session.Handle, keyHash, onlyIfExists ? "1" : "0"]);
    }

    protected override async Task<ServerSession?> DeleteAsync(string keyHash)
    {
        var session = await GetAsync(keyHash);
        if (session is null) return null;
        var deleted = (long)await redis.EvalAsync(DeleteScript, [_keys.SignIn[keyHash], _keys.AccountSignIns[session.UserId]],
            [session.Handle, keyHash]);
        return deleted == 1 ? session : null; // another node ended it first (and told its connections)
    }

    protected override async Task<IReadOnlyList<KeptSession>> OfAccountAsync(string userId)
    {
        var index = await redis.Db.HashGetAllAsync(_keys.AccountSignIns[userId]);
        if (index.Length == 0) return [];
        var keyHashes = index.Select(e => (string)e.Value!).ToArray();
        var values = await redis.Db.StringGetAsync([.. keyHashes.Select(k => _keys.SignIn[k])]);
        var list = new List<KeptSession>();
        for (var i = 0; i < index.Length; i++)
        {
            if (Open(values[i]) is { } s) list.Add(new(keyHashes[i], s));
            else await redis.Db.HashDeleteAsync(_keys.AccountSignIns[userId], index[i].Name); // expired: out of the index
        }
        return list;
    }

    protected override async Task<string?> KeyHashOfAsync(string userId, string handle) =>
        await redis.Db.HashGetAsync(_keys.AccountSignIns[userId], handle) is { HasValue: true } v ? (string)v! : null;

    /// <summary>A session's value, or null when it is missing or cannot be read (other keys, damaged): that session is over.</summary>
    private ServerSession? Open(RedisValue value)
    {
        if (!value.HasValue) return null;
        try
        {
            return JsonSerializer.Deserialize<ServerSession>(_protector.Unprotect((byte[])value!), LocalFanout.Json);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or JsonException)
        {
            return null;
        }
    }
}
