using Chat.Server.Conversations;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Chat.Server.Accounts;

/// <summary>Embedded mode: the sessions in this process, kept across a planned restart in the live-state file (Export / Import).</summary>
public sealed class InMemorySessionStore(TimeProvider time, ChatNotifier notify, IOptions<IdentityOptions> identity)
    : ServerSessions(time, notify, identity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServerSession> _byKey = new();
    private readonly Dictionary<string, Dictionary<string, string>> _byAccount = new(); // user id -> handle -> key hash

    protected override Task<ServerSession?> GetAsync(string keyHash)
    {
        lock (_gate)
        {
            if (!_byKey.TryGetValue(keyHash, out var s)) return Task.FromResult<ServerSession?>(null);
            if (s.ExpiresAt > Now) return Task.FromResult<ServerSession?>(s);
            Remove(keyHash);
            return Task.FromResult<ServerSession?>(null);
        }
    }

    protected override Task PutAsync(string keyHash, ServerSession session, bool onlyIfExists)
    {
        lock (_gate)
        {
            if (onlyIfExists && !_byKey.ContainsKey(keyHash)) return Task.CompletedTask;
            if (!onlyIfExists) PurgeExpired();
            _byKey[keyHash] = session;
            if (!_byAccount.TryGetValue(session.UserId, out var index)) _byAccount[session.UserId] = index = new();
            index[session.Handle] = keyHash;
        }
        return Task.CompletedTask;
    }

    protected override Task<ServerSession?> DeleteAsync(string keyHash)
    {
        lock (_gate) return Task.FromResult(Remove(keyHash));
    }

    protected override Task<IReadOnlyList<KeptSession>> OfAccountAsync(string userId)
    {
        lock (_gate)
        {
            IReadOnlyList<KeptSession> list = _byAccount.TryGetValue(userId, out var index)
                ? [.. index.Values.Where(_byKey.ContainsKey).Select(k => new KeptSession(k, _byKey[k]))]
                : [];
            return Task.FromResult(list);
        }
    }

    protected override Task<string?> KeyHashOfAsync(string userId, string handle)
    {
        lock (_gate)
            return Task.FromResult(_byAccount.TryGetValue(userId, out var index) && index.TryGetValue(handle, out var k) ? k : null);
    }

    /// <summary>Every unexpired session, for the live-state file (the keys themselves are in the cookies only).</summary>
    public IReadOnlyList<KeptSession> Export()
    {
        lock (_gate)
        {
            var now = Now;
            return [.. _byKey.Where(e => e.Value.ExpiresAt > now).Select(e => new KeptSession(e.Key, e.Value))];
        }
    }

    public void Import(IEnumerable<KeptSession>? kept)
    {
        var now = Now;
        foreach (var (keyHash, session) in kept ?? [])
            if (session.ExpiresAt > now) _ = PutAsync(keyHash, session, onlyIfExists: false); // synchronous here
    }

    private ServerSession? Remove(string keyHash)
    {
        if (!_byKey.Remove(keyHash, out var s)) return null;
        if (_byAccount.TryGetValue(s.UserId, out var index))
        {
            index.Remove(s.Handle);
            if (index.Count == 0) _byAccount.Remove(s.UserId);
        }
        return s;
    }

    private void PurgeExpired()
    {
        var now = Now;
        foreach (var k in _byKey.Where(e => e.Value.ExpiresAt <= now).Select(e => e.Key).ToList()) Remove(k);
    }
}
