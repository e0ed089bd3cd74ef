using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Chat.Server.Scaleout;
using StackExchange.Redis;

namespace Chat.Server.Live;

/// <summary>
/// Redis mode: the live state in Redis, shared by every node. Every change that touches more than one key is
/// one Lua script, so it is atomic across nodes: two nodes can never assign one visitor twice.
///
/// Keys are named in <see cref="RedisKeys"/>. A session and an expert's presence are hashes, so a script reads and
/// writes the fields it decides on directly and never decodes or searches JSON:
///   session  state (queued | active | ended), requestedAt (ms, the queue score), conversationId, tokenHash, addressHash,
///            expertId, expertName, expertExperience, startedAt, endedAt, endedBy, requeued (1), transferredFrom,
///            transferredAt, feedback (1), urgent (answer), and record: the JSON of what never changes (the visitor's answers, the exact
///            request time), read by this class only.
///   presence displayName, experience, maxChats, availability, connected (1 | 0), changedAt, lastAssignedAt, gender,
///            languages (comma-separated); its active chats are a set and its cool-down a key of their own.
/// Times a script compares are ISO 8601 UTC of one format (they compare as strings) or ms. A key of the format before
/// hashes (a JSON string) is treated as gone (deleted when a script meets it): live state lives minutes, not releases.
/// When a chat ends, its session, index and log keys get a TTL of the grace period: nothing about a visitor
/// outlives it, even if no node is running to purge; the end is noted for the append-only file's compaction.
/// </summary>
public sealed class RedisLiveStore(RedisConnection redis, Microsoft.Extensions.Options.IOptions<RedisOptions> options,
    ILogger<RedisLiveStore> logger) : ILiveStore
{
    private readonly RedisKeys _keys = new(options.Value.KeyPrefix);
    private IDatabase Db => redis.Db;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    // Prepended to every script that reads a session or a presence: true when the key is a hash; a key of the format
    // before hashes is deleted (treated as gone), so no command below meets a string where it expects a hash.
    private const string HashOrGone = """
        local function live(key)
          local t = redis.call('TYPE', key).ok
          if t == 'hash' then return true end
          if t ~= 'none' then redis.call('DEL', key) end
          return false
        end

        """;

    // ---- Sessions and the queue -----------------------------------------------------------------------------------

    // KEYS: session, queue, conversation index, token index, the address's open sessions, the address's starts.
    // ARGV: session prefix, sessionId, request time (ms), then the limits (or ''): max queue, max open per address, max per
    // address per hour; address hash (or ''), a random member for the hour's starts (not the session id: nothing links a
    // session to its address after the grace period); then the session's field/value pairs.
    // An address's open set drops ended sessions as it is read, so a crash between an end and its SREM cannot hold a slot.
    private const string AddQueuedScript = HashOrGone + """
        local sid, now, addr = ARGV[2], tonumber(ARGV[3]), ARGV[7]
        if live(KEYS[1]) then return 'exists' end
        if ARGV[4] ~= '' then
          -- Abuse:MaxQueue per project: the members of this project counted only when the whole queue is that long.
          local max = tonumber(ARGV[4])
          if redis.call('ZCARD', KEYS[2]) >= max then
            local project = 'default'
            for i = 9, #ARGV, 2 do if ARGV[i] == 'project' then project = ARGV[i + 1] end end
            local n = 0
            for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
              if (redis.call('HGET', ARGV[1]..id, 'project') or 'default') == project then n = n + 1 end
            end
            if n >= max then return 'QueueFull' end
          end
          if addr ~= '' then
            local open = 0
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[5])) do
              local state = live(ARGV[1]..id) and redis.call('HGET', ARGV[1]..id, 'state')
              if state and state ~= 'ended' then open = open + 1 else redis.call('SREM', KEYS[5], id) end
            end
            if open >= tonumber(ARGV[5]) then return 'AddressLimit' end
            redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now - 3600000)
            if redis.call('ZCARD', KEYS[6]) >= tonumber(ARGV[6]) then return 'AddressLimit' end
          end
        end
        redis.call('HSET', KEYS[1], unpack(ARGV, 9))
        -- One urgent chat per address at a time: a second "yes" from it waits as anyone else does.
        if addr ~= '' and redis.call('HEXISTS', KEYS[1], 'urgent') == 1 then
          for _, id in ipairs(redis.call('SMEMBERS', KEYS[5])) do
            local o = ARGV[1]..id
            if id ~= sid and live(o) and redis.call('HGET', o, 'state') ~= 'ended' and redis.call('HEXISTS', o, 'urgent') == 1 then
              redis.call('HDEL', KEYS[1], 'urgent')
              break
            end
          end
        end
        redis.call('ZADD', KEYS[2], now, sid)
        redis.call('SET', KEYS[3], sid)
        redis.call('SET', KEYS[4], sid)
        if addr ~= '' then
          redis.call('SADD', KEYS[5], sid)
          redis.call('PEXPIRE', KEYS[5], 86400000)
          redis.call('ZADD', KEYS[6], now, ARGV[8])
          redis.call('PEXPIRE', KEYS[6], 3600000)
        end
        return 'Added'
        """;

    public async Task<QueueAdmission> AddQueuedAsync(ChatSession session, QueueLimits? limits = null, CancellationToken ct = default)
    {
        var address = session.AddressHash ?? "";
        var r = (string?)await redis.EvalAsync(AddQueuedScript,
            [_keys.Session[session.SessionId], _keys.Queue, _keys.Conversation[session.ConversationId], _keys.ResumeToken[session.ResumeTokenHash],
             _keys.AddressOpen[address], _keys.AddressStarts[address]],
            [_keys.Session.Prefix, session.SessionId, session.RequestedAt.ToUnixTimeMilliseconds(),
             limits?.MaxQueue.ToString(CultureInfo.InvariantCulture) ?? "", limits?.MaxOpenPerAddress ?? 0, limits?.MaxPerAddressPerHour ?? 0,
             address, Guid.NewGuid().ToString("n"), .. SessionFields(session with { State = ChatState.Queued })]);
        if (r == "exists") throw new InvalidOperationException("Session exists.");
        return Enum.Parse<QueueAdmission>(r!);
    }

    private const string ReadSessionScript = HashOrGone + """
        if live(KEYS[1]) then return redis.call('HGETALL', KEYS[1]) end
        return false
        """;

    public async Task<ChatSession?> GetSessionAsync(string sessionId, CancellationToken ct = default) =>
        Session(await redis.EvalAsync(ReadSessionScript, [_keys.Session[sessionId]]));

    // KEYS: an index (conversation or token) -> sessionId. ARGV: session prefix.
    private const string ByIndexScript = HashOrGone + """
        local sid = redis.call('GET', KEYS[1])
        if sid and live(ARGV[1]..sid) then return redis.call('HGETALL', ARGV[1]..sid) end
        return false
        """;

    public async Task<ChatSession?> FindByConversationAsync(string conversationId, CancellationToken ct = default) =>
        Session(await redis.EvalAsync(ByIndexScript, [_keys.Conversation[conversationId]], [_keys.Session.Prefix]));

    public async Task<ChatSession?> FindByResumeTokenHashAsync(string tokenHash, CancellationToken ct = default) =>
        Session(await redis.EvalAsync(ByIndexScript, [_keys.ResumeToken[tokenHash]], [_keys.Session.Prefix]));

    // KEYS: queue. ARGV: session prefix. A queued id without a session (gone, or of the old format) leaves the queue.
    private const string QueueScript = HashOrGone + """
        local out = {}
        for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
          if live(ARGV[1]..id) then out[#out + 1] = redis.call('HGETALL', ARGV[1]..id)
          else redis.call('ZREM', KEYS[1], id) end
        end
        return out
        """;

    public async Task<IReadOnlyList<ChatSession>> GetQueueAsync(CancellationToken ct = default)
    {
        var r = (RedisResult[]?)await redis.EvalAsync(QueueScript, [_keys.Queue], [_keys.Session.Prefix]) ?? [];
        // Ties on request time are broken by session id (ordinal), as the in-process store does.
        return r.Select(Session).OfType<ChatSession>().Where(s => s.State == ChatState.Queued)
            .OrderBy(s => s.RequestedAt).ThenBy(s => s.SessionId, StringComparer.Ordinal).ToList();
    }

    // KEYS: session, queue, presence, the expert's chats, the expert's cool-down. ARGV: sessionId, expertId, time (ISO), time (ms),
    // 'urgent' for TakeUrgent or ''.
    private const string AssignScript = HashOrGone + """
        if not live(KEYS[1]) or redis.call('HGET', KEYS[1], 'state') ~= 'queued' then return 'SessionNotQueued' end
        if not live(KEYS[3]) then return 'ExpertUnavailable' end
        local e = redis.call('HMGET', KEYS[3], 'connected', 'availability', 'maxChats', 'displayName', 'experience')
        if redis.call('SCARD', KEYS[4]) >= (tonumber(e[3]) or 0) or e[1] ~= '1' then return 'ExpertUnavailable' end
        if ARGV[5] == 'urgent' then
          -- TakeUrgent: only an urgent visitor; paused or cooling down is the expert's own choice, offline is not.
          if redis.call('HEXISTS', KEYS[1], 'urgent') == 0 then return 'SessionNotQueued' end
          if e[2] ~= 'available' and e[2] ~= 'paused' then return 'ExpertUnavailable' end
          redis.call('DEL', KEYS[5])
        else
          if e[2] ~= 'available' then return 'ExpertUnavailable' end
          local cd = redis.call('GET', KEYS[5])
          if cd and tonumber(cd) > tonumber(ARGV[4]) then return 'ExpertUnavailable' end
        end
        redis.call('HSET', KEYS[1], 'state', 'active', 'expertId', ARGV[2], 'expertName', e[4] or '', 'expertExperience', e[5] or '',
          'startedAt', ARGV[3])
        redis.call('HSET', KEYS[3], 'lastAssignedAt', ARGV[3])
        redis.call('SADD', KEYS[4], ARGV[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        return 'Assigned'
        """;

    public async Task<AssignOutcome> TryAssignAsync(string sessionId, string expertId, DateTimeOffset at, bool takeUrgent = false,
        CancellationToken ct = default)
    {
        var r = (string?)await redis.EvalAsync(AssignScript,
            [_keys.Session[sessionId], _keys.Queue, _keys.Expert[expertId], _keys.ExpertChats[expertId], _keys.CoolDown[expertId]],
            [sessionId, expertId, Iso(at), at.ToUnixTimeMilliseconds(), takeUrgent ? "urgent" : ""]);
        return Enum.Parse<AssignOutcome>(r!);
    }

    // KEYS: session, the address's open set (or a dummy). ARGV: session prefix, sessionId, reason, whether there is an address.
    private const string MarkUrgentScript = HashOrGone + """
        if not live(KEYS[1]) or redis.call('HGET', KEYS[1], 'state') ~= 'queued' or redis.call('HEXISTS', KEYS[1], 'urgent') == 1 then
          return false
        end
        if ARGV[4] == '1' then
          for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
            local o = ARGV[1]..id
            if id ~= ARGV[2] and live(o) and redis.call('HGET', o, 'state') ~= 'ended' and redis.call('HEXISTS', o, 'urgent') == 1 then
              return false
            end
          end
        end
        redis.call('HSET', KEYS[1], 'urgent', ARGV[3])
        return redis.call('HGETALL', KEYS[1])
        """;

    // KEYS: session. ARGV: the partner project. Only while queued.
    private const string AddOverflowScript = HashOrGone + """
        if not live(KEYS[1]) or redis.call('HGET', KEYS[1], 'state') ~= 'queued' then return false end
        if ARGV[1] == '' then redis.call('HDEL', KEYS[1], 'overflow') else redis.call('HSET', KEYS[1], 'overflow', ARGV[1]) end
        return redis.call('HGETALL', KEYS[1])
        """;

    public async Task<ChatSession?> TryAddOverflowAsync(string sessionId, string? project, CancellationToken ct = default) =>
        Session(await redis.EvalAsync(AddOverflowScript, [_keys.Session[sessionId]], [project ?? ""]));

    public async Task<ChatSession?> TryMarkUrgentAsync(string sessionId, string reason, CancellationToken ct = default)
    {
        // The address is in the session hash; read it first (it never changes), then decide atomically in the script.
        var current = await GetSessionAsync(sessionId, ct);
        if (current is null) return null;
        var address = current.AddressHash ?? "";
        return Session(await redis.EvalAsync(MarkUrgentScript, [_keys.Session[sessionId], _keys.AddressOpen[address]],
            [_keys.Session.Prefix, sessionId, reason, address == "" ? "0" : "1"]));
    }

    // KEYS: session, queue, ended, compaction pending. ARGV: sessionId, endedBy, time (ISO), time (ms), grace (ms),
    // cool-down until (ms) or '', the cool-down key's TTL (ms), only-if-with expert or '', then the prefixes of the
    // cool-down, expert chats, address open sets, conversation index, token index, log and message-id keys.
    private const string EndScript = HashOrGone + """
        if not live(KEYS[1]) then return false end
        local s = redis.call('HMGET', KEYS[1], 'state', 'expertId', 'addressHash', 'conversationId', 'tokenHash')
        local state, eid, addr, cid, token = s[1], s[2], s[3], s[4], s[5]
        if state == 'ended' then return false end
        if ARGV[8] ~= '' and eid ~= ARGV[8] then return false end
        if state == 'active' and eid and ARGV[6] ~= '' then
          local key = ARGV[9]..eid
          local old = redis.call('GET', key)
          if not old or tonumber(old) < tonumber(ARGV[6]) then redis.call('SET', key, ARGV[6], 'PX', ARGV[7]) end
        end
        redis.call('HSET', KEYS[1], 'state', 'ended', 'endedBy', ARGV[2], 'endedAt', ARGV[3])
        redis.call('ZREM', KEYS[2], ARGV[1])
        if eid then redis.call('SREM', ARGV[10]..eid, ARGV[1]) end
        if addr then redis.call('SREM', ARGV[11]..addr, ARGV[1]) end
        redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
        local grace = tonumber(ARGV[5])
        redis.call('ZADD', KEYS[4], tonumber(ARGV[4]) + grace, ARGV[1])
        redis.call('PEXPIRE', KEYS[1], grace)
        if cid then
          for _, k in ipairs({ARGV[12]..cid, ARGV[14]..cid, ARGV[15]..cid}) do redis.call('PEXPIRE', k, grace) end
        end
        if token then redis.call('PEXPIRE', ARGV[13]..token, grace) end
        return redis.call('HGETALL', KEYS[1])
        """;

    public async Task<ChatSession?> TryEndAsync(string sessionId, string endedBy, DateTimeOffset at, TimeSpan keepFor, TimeSpan coolDown = default,
        string? onlyIfWith = null,
        CancellationToken ct = default)
    {
        var grace = (long)keepFor.TotalMilliseconds;
        // The cool-down key outlives its end by a day (it holds no visitor data): expiry only tidies up, the end time decides.
        RedisValue until = coolDown > TimeSpan.Zero ? (at + coolDown).ToUnixTimeMilliseconds() : "";
        var ttl = (long)(coolDown + TimeSpan.FromDays(1)).TotalMilliseconds;
        return Session(await redis.EvalAsync(EndScript, [_keys.Session[sessionId], _keys.Queue, _keys.Ended, _keys.CompactPending],
            [sessionId, endedBy, Iso(at), at.ToUnixTimeMilliseconds(), grace, until, ttl, onlyIfWith ?? "",
             _keys.CoolDown.Prefix, _keys.ExpertChats.Prefix, _keys.AddressOpen.Prefix, _keys.Conversation.Prefix, _keys.ResumeToken.Prefix,
             _keys.Log.Prefix, _keys.MessageIds.Prefix]));
    }

    public async Task RecordChatLengthAsync(TimeSpan length, CancellationToken ct = default)
    {
        var batch = Db.CreateBatch();
        var push = batch.ListLeftPushAsync(_keys.ChatLengths, (long)length.TotalSeconds);
        var trim = batch.ListTrimAsync(_keys.ChatLengths, 0, 19);
        batch.Execute();
        await Task.WhenAll(push, trim);
    }

    public async Task<IReadOnlyList<TimeSpan>> RecentChatLengthsAsync(CancellationToken ct = default) =>
        (await Db.ListRangeAsync(_keys.ChatLengths, 0, 19)).Select(v => TimeSpan.FromSeconds((long)v)).ToList();

    public Task EndCoolDownAsync(string expertId, CancellationToken ct = default) => Db.KeyDeleteAsync(_keys.CoolDown[expertId]);

    // KEYS: session. (HSET keeps the key's TTL.)
    private const string FeedbackScript = HashOrGone + """
        if not live(KEYS[1]) then return 0 end
        local s = redis.call('HMGET', KEYS[1], 'state', 'feedback')
        if s[1] ~= 'ended' or s[2] == '1' then return 0 end
        redis.call('HSET', KEYS[1], 'feedback', '1')
        return 1
        """;

    public async Task<bool> TryMarkFeedbackAsync(string sessionId, CancellationToken ct = default) =>
        (int)await redis.EvalAsync(FeedbackScript, [_keys.Session[sessionId]]) == 1;

    // KEYS: session, queue. ARGV: sessionId, transferred from or '', time (ISO) or '', only-if-with expert or '', the
    // expert chats prefix. Back in the queue at its request time: its place is kept.
    private const string RequeueScript = HashOrGone + """
        if not live(KEYS[1]) then return false end
        local s = redis.call('HMGET', KEYS[1], 'state', 'expertId', 'requestedAt')
        if s[1] ~= 'active' then return false end
        if ARGV[4] ~= '' and s[2] ~= ARGV[4] then return false end
        if s[2] then redis.call('SREM', ARGV[5]..s[2], ARGV[1]) end
        redis.call('HDEL', KEYS[1], 'expertId', 'expertName', 'expertExperience', 'startedAt')
        redis.call('HSET', KEYS[1], 'state', 'queued', 'requeued', '1')
        if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'transferredFrom', ARGV[2], 'transferredAt', ARGV[3]) end
        redis.call('ZADD', KEYS[2], s[3], ARGV[1])
        return redis.call('HGETALL', KEYS[1])
        """;

    public async Task<ChatSession?> TryRequeueAsync(string sessionId, string? transferredFrom = null, DateTimeOffset? at = null, string? onlyIfWith = null,
        CancellationToken ct = default) =>
        Session(await redis.EvalAsync(RequeueScript, [_keys.Session[sessionId], _keys.Queue],
            [sessionId, transferredFrom ?? "", at is { } t ? Iso(t) : "", onlyIfWith ?? "", _keys.ExpertChats.Prefix]));

    public Task ForgetResumeTokenAsync(string tokenHash, CancellationToken ct = default) => Db.KeyDeleteAsync(_keys.ResumeToken[tokenHash]);

    // KEYS: ended. ARGV: cut-off (ms), then the prefixes of sessions, conversation index, token index, log, message ids and
    // message rate keys.
    private const string PurgeScript = HashOrGone + """
        local out = {}
        for _, sid in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '('..ARGV[1])) do
          local key = ARGV[2]..sid
          if live(key) then
            local s = redis.call('HMGET', key, 'conversationId', 'tokenHash')
            local cid = s[1] or ''
            if s[2] then redis.call('DEL', ARGV[4]..s[2]) end
            redis.call('DEL', ARGV[3]..cid, ARGV[5]..cid, ARGV[6]..cid, ARGV[7]..cid, key)
            out[#out + 1] = cid
          end
          redis.call('ZREM', KEYS[1], sid)
        end
        return out
        """;

    public async Task<IReadOnlyList<string>> PurgeEndedAsync(DateTimeOffset endedBefore, CancellationToken ct = default)
    {
        var r = (RedisValue[]?)await redis.EvalAsync(PurgeScript, [_keys.Ended],
            [endedBefore.ToUnixTimeMilliseconds(), _keys.Session.Prefix, _keys.Conversation.Prefix, _keys.ResumeToken.Prefix, _keys.Log.Prefix,
             _keys.MessageIds.Prefix, _keys.MessageRate.Prefix]) ?? [];
        return r.Select(v => (string)v!).ToList();
    }

    // ---- Message log --------------------------------------------------------------------------------------------------

    // Appends a batch of messages (see GroupCommit), each checked and appended as a single append would be.
    // KEYS: three per message: conversation index, log, message ids. ARGV: session prefix, then seven values per message
    // (from, client id, the stored message's JSON without its seq and opening brace (see StoredTail), the expert it must be
    // assigned to or '', the chat's message cap or '', the visitor's messages per minute or '', the minute). Returns one
    // reply per message, in order: {'new', seq, sessionId, expertId or ''}, {'duplicate', the stored message's JSON,
    // sessionId, expertId or ''}, {'missing'}, {'ended'}, {'not-assigned'}, {'full'} or {'rate'}. The visitor's count per
    // minute is kept in the session hash the script reads anyway ('rateMinute', 'rateCount': no key of its own, no expiry
    // to set; before 2026-12-04 it was a key of its own, MessageRate, which the clean-ups still delete).
    // Per visitor message: GET, HMGET, HGET, LLEN, then RPUSH and two HSETs. The script builds no JSON (before 2026-12-05
    // it encoded each message with cjson; the stored format is the same JSON object, seq first) and asks no TYPE: the
    // session's HMGET by pcall answers a key of the format before hashes with an error, and that key is treated as gone,
    // as live() treats it. (Redis's CPU a message fell by about 2.3 µs, 9%: docs/benchmarks.md, "No JSON built in Lua".)
    private const string AppendScript = """
        local out = {}
        for i = 0, #KEYS / 3 - 1 do
          local index, log, ids = KEYS[i * 3 + 1], KEYS[i * 3 + 2], KEYS[i * 3 + 3]
          local b = 2 + i * 7
          local from, clientId = ARGV[b], ARGV[b + 1]
          local reply
          local sid = redis.call('GET', index)
          local session = sid and ARGV[1]..sid
          local s = session and redis.pcall('HMGET', session, 'state', 'expertId', 'rateMinute', 'rateCount')
          if s and s.err then
            redis.call('DEL', session)
            s = nil
          end
          if not (s and s[1]) then
            reply = {'missing'}
          else
            local ended, eid = s[1] == 'ended', s[2] or ''
            local id = from..':'..clientId
            local existing = redis.call('HGET', ids, id)
            if existing then
              local n = tonumber(existing) -- (before 2026-11-23 the hash held the message itself)
              reply = {'duplicate', n and redis.call('LINDEX', log, n - 1) or existing, sid, eid}
            else
              local len = redis.call('LLEN', log)
              -- this minute's count so far (another minute's counts nothing)
              local sent = (s[3] == ARGV[b + 6]) and tonumber(s[4]) or 0
              if from ~= 'system' and ended then
                reply = {'ended'}
              elseif ARGV[b + 3] ~= '' and ARGV[b + 3] ~= eid then
                reply = {'not-assigned'}
              elseif ARGV[b + 4] ~= '' and from ~= 'system' and len >= tonumber(ARGV[b + 4]) then
                reply = {'full'}
              elseif ARGV[b + 5] ~= '' and from == 'visitor' and sent >= tonumber(ARGV[b + 5]) then
                reply = {'rate'}
              else
                if ARGV[b + 5] ~= '' and from == 'visitor' then
                  redis.call('HSET', session, 'rateMinute', ARGV[b + 6], 'rateCount', sent + 1)
                end
                local seq = len + 1
                redis.call('RPUSH', log, '{"seq":'..seq..','..ARGV[b + 2])
                redis.call('HSET', ids, id, seq)
                reply = {'new', seq, sid, eid}
              end
            end
          end
          out[#out + 1] = reply
        end
        return out
        """;

    private sealed record PendingAppend(string ConversationId, string From, string ClientMessageId, ReadOnlyMemory<byte> Tail, string AssignedTo,
        string MaxMessages, string PerMinute, long Minute);

    // The stored message as the JSON written to the log, without its seq, which only the script knows.
    private sealed record StoredMessage(string ClientMessageId, string From, string Text, string SentAt,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ReferralCard? Card);

    // The log's entries are read by this class only, never put in a page: no escaping beyond JSON's own (as cjson wrote them).
    private static readonly JsonSerializerOptions StoredJson = new(Json) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // The members of the stored message's JSON object after its "{": the script writes '{"seq":N,' in front.
    private static ReadOnlyMemory<byte> StoredTail(string clientMessageId, string from, string text, string at, ReferralCard? card)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new StoredMessage(clientMessageId, from, text, at, card), StoredJson);
        return json.AsMemory(1);
    }

    // Messages sent at the same moment (many chats on this node) share one round trip to Redis; with
    // Redis:AppendsInFlight above one, the next batch is written while Redis still works on the one before.
    private GroupCommit<PendingAppend, RedisResult>? _appends;

    private GroupCommit<PendingAppend, RedisResult> Appends => _appends ??= new(batch =>
    {
        var keys = new RedisKey[batch.Count * 3];
        var values = new RedisValue[1 + batch.Count * 7];
        values[0] = _keys.Session.Prefix;
        for (var i = 0; i < batch.Count; i++)
        {
            var a = batch[i];
            (keys[i * 3], keys[i * 3 + 1], keys[i * 3 + 2]) =
                (_keys.Conversation[a.ConversationId], _keys.Log[a.ConversationId], _keys.MessageIds[a.ConversationId]);
            var at = 1 + i * 7;
            (values[at], values[at + 1], values[at + 2], values[at + 3]) = (a.From, a.ClientMessageId, a.Tail, a.AssignedTo);
            (values[at + 4], values[at + 5], values[at + 6]) = (a.MaxMessages, a.PerMinute, a.Minute);
        }
        // One batch in flight: by its SHA1, and after a NOSCRIPT (Redis restarted) once more with the text, before the next
        // batch goes. Several in flight: always the text (EVAL), for a NOSCRIPT's retry would go after batches sent later.
        var reply = options.Value.AppendsInFlight > 1
            ? redis.EvalTextAsync(AppendScript, keys, values)
            : redis.EvalAsync(AppendScript, keys, values);
        return Results(reply);

        static async Task<IReadOnlyList<RedisResult>> Results(Task<RedisResult> reply) => (RedisResult[]?)await reply ?? [];
    }, maxInFlight: options.Value.AppendsInFlight);

    public async Task<AppendResult> AppendAsync(string conversationId, string from, string clientMessageId, string text, DateTimeOffset at,
        string? assignedTo = null, MessageLimits? limits = null, CancellationToken ct = default, ReferralCard? card = null)
    {
        var r = (RedisValue[]?)await Appends.RunAsync(new(conversationId, from, clientMessageId, StoredTail(clientMessageId, from, text, Iso(at), card),
            assignedTo ?? "", limits?.MaxMessages.ToString(CultureInfo.InvariantCulture) ?? "",
            limits?.VisitorPerMinute.ToString(CultureInfo.InvariantCulture) ?? "", at.ToUnixTimeSeconds() / 60));
        if (r is not { Length: > 0 }) throw new InvalidOperationException("Unexpected reply to the append.");
        switch ((string?)r[0])
        {
            case "missing": throw new KeyNotFoundException("Unknown conversation.");
            case "ended": throw new ConversationEndedException();
            case "not-assigned": throw new NotAssignedException();
            case "full": throw new MessageLimitException(full: true);
            case "rate": throw new MessageLimitException(full: false);
            case "new" when r.Length == 4:
                // The new message is what was sent, with the seq Redis gave it: no need to read it back.
                return new AppendResult(new ChatMessage((long)r[1], clientMessageId, from, text, at.ToUniversalTime(), card), false, (string)r[2]!, ExpertOf(r[3]));
            case "duplicate" when r.Length == 4:
                return new AppendResult(Message(r[1]) ?? throw new InvalidOperationException("Malformed message in Redis."),
                    true, (string)r[2]!, ExpertOf(r[3]));
            default: throw new InvalidOperationException("Unexpected reply to the append.");
        }

        static string? ExpertOf(RedisValue v) => v.IsNullOrEmpty ? null : (string?)v;
    }

    public async Task<IReadOnlyList<ChatMessage>> GetMessagesAsync(string conversationId, long afterSeq, CancellationToken ct = default)
    {
        var r = await Db.ListRangeAsync(_keys.Log[conversationId], Math.Max(0, afterSeq), -1);
        return r.Select(Message).OfType<ChatMessage>().ToList();
    }

    // ---- Presence -----------------------------------------------------------------------------------------------------

    // KEYS: presence, experts, the expert's chats, the expert's cool-down. ARGV: expertId, then the presence's field/value
    // pairs. An expert known already keeps the last assignment.
    private const string UpsertPresenceScript = HashOrGone + """
        local last = live(KEYS[1]) and redis.call('HGET', KEYS[1], 'lastAssignedAt')
        redis.call('HSET', KEYS[1], unpack(ARGV, 2))
        if last then redis.call('HSET', KEYS[1], 'lastAssignedAt', last) end
        redis.call('SADD', KEYS[2], ARGV[1])
        return {redis.call('HGETALL', KEYS[1]), redis.call('SMEMBERS', KEYS[3]), redis.call('GET', KEYS[4])}
        """;

    public async Task<ExpertPresence> UpsertPresenceAsync(ExpertPresence presence, CancellationToken ct = default)
    {
        var id = presence.ExpertId;
        var r = (RedisResult[]?)await redis.EvalAsync(UpsertPresenceScript,
            [_keys.Expert[id], _keys.Experts, _keys.ExpertChats[id], _keys.CoolDown[id]], [id, .. PresenceFields(presence)]) ?? [];
        return Presence(id, r[0], (RedisValue[]?)r[1] ?? [], (RedisValue)r[2])!;
    }

    // KEYS: presence, the expert's chats, the expert's cool-down, experts, the expert's connection counts (the connection
    // tracker's, per node). ARGV: expertId, mode (connect | disconnect | availability | offline), time (ISO), the
    // availability (availability) or the "gone before" time (offline; ISO or ''), then for connect and availability the
    // account's presence field/value pairs (used whole for a new expert; for a known one only the account's fields).
    // Returns {before or false, after or false, the active chats, the cool-down or false}.
    private const string PresenceScript = HashOrGone + """
        local mode, at = ARGV[2], ARGV[3]
        local known = live(KEYS[1])
        local before = known and redis.call('HGETALL', KEYS[1])
        local chats = redis.call('SMEMBERS', KEYS[2])
        local cd = redis.call('GET', KEYS[3])
        if mode == 'connect' or mode == 'availability' then
          if known then
            local account = {displayName = true, experience = true, maxChats = true, gender = true, languages = true, projects = true}
            for i = 5, #ARGV, 2 do
              if account[ARGV[i]] then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            end
            if mode == 'connect' then redis.call('HSET', KEYS[1], 'connected', '1')
            else redis.call('HSET', KEYS[1], 'availability', ARGV[4]) end
          else
            redis.call('HSET', KEYS[1], unpack(ARGV, 5))
          end
        else
          if not known then return {false, false, chats, cd} end
          if mode == 'disconnect' then
            -- A console that opened on another node after this node saw the expert's last one close: still connected.
            for _, n in ipairs(redis.call('HVALS', KEYS[5])) do
              if tonumber(n) > 0 then return {before, false, chats, cd} end
            end
            redis.call('HSET', KEYS[1], 'connected', '0')
          else
            local e = redis.call('HMGET', KEYS[1], 'connected', 'changedAt')
            if ARGV[4] ~= '' and (e[1] == '1' or (e[2] or '') > ARGV[4]) then return {before, false, chats, cd} end
            redis.call('HSET', KEYS[1], 'availability', 'offline')
          end
        end
        redis.call('HSET', KEYS[1], 'changedAt', at)
        redis.call('SADD', KEYS[4], ARGV[1])
        return {before or false, redis.call('HGETALL', KEYS[1]), chats, cd}
        """;

    private async Task<PresenceUpdate> PresenceChangeAsync(string expertId, string mode, DateTimeOffset at, string argument,
        params RedisValue[] account)
    {
        var r = (RedisResult[]?)await redis.EvalAsync(PresenceScript,
            [_keys.Expert[expertId], _keys.ExpertChats[expertId], _keys.CoolDown[expertId], _keys.Experts, _keys.ExpertConnections[expertId]],
            [expertId, mode, Iso(at), argument, .. account]) ?? [];
        var chats = (RedisValue[]?)r[2] ?? [];
        return new PresenceUpdate(Presence(expertId, r[0], chats, (RedisValue)r[3]), Presence(expertId, r[1], chats, (RedisValue)r[3]));
    }

    public Task<PresenceUpdate> ConnectExpertAsync(ExpertPresence account, DateTimeOffset at, CancellationToken ct = default) =>
        PresenceChangeAsync(account.ExpertId, "connect", at, "",
            PresenceFields(account with { Availability = Live.Availability.Offline, Connected = true, ChangedAt = at }));

    public Task<PresenceUpdate> DisconnectExpertAsync(string expertId, DateTimeOffset at, CancellationToken ct = default) =>
        PresenceChangeAsync(expertId, "disconnect", at, "");

    public Task<PresenceUpdate> SetAvailabilityAsync(ExpertPresence account, string availability, DateTimeOffset at, CancellationToken ct = default) =>
        PresenceChangeAsync(account.ExpertId, "availability", at, availability,
            PresenceFields(account with { Availability = availability, Connected = true, ChangedAt = at }));

    public Task<PresenceUpdate> GoOfflineAsync(string expertId, DateTimeOffset at, DateTimeOffset? ifGoneBefore = null, CancellationToken ct = default) =>
        PresenceChangeAsync(expertId, "offline", at, ifGoneBefore is { } before ? Iso(before) : "");

    // KEYS: experts. ARGV: the prefixes of presences, expert chats and cool-downs, then the one expertId wanted (or none: all).
    private const string PresencesScript = HashOrGone + """
        local ids = ARGV[4] and {ARGV[4]} or redis.call('SMEMBERS', KEYS[1])
        local out = {}
        for _, eid in ipairs(ids) do
          if live(ARGV[1]..eid) then
            out[#out + 1] = {eid, redis.call('HGETALL', ARGV[1]..eid), redis.call('SMEMBERS', ARGV[2]..eid), redis.call('GET', ARGV[3]..eid)}
          end
        end
        return out
        """;

    public async Task<ExpertPresence?> GetPresenceAsync(string expertId, CancellationToken ct = default) =>
        (await PresencesAsync(expertId)).FirstOrDefault();

    public Task<IReadOnlyList<ExpertPresence>> GetPresencesAsync(CancellationToken ct = default) => PresencesAsync(null);

    private async Task<IReadOnlyList<ExpertPresence>> PresencesAsync(string? only)
    {
        RedisValue[] args = [_keys.Expert.Prefix, _keys.ExpertChats.Prefix, _keys.CoolDown.Prefix];
        var r = (RedisResult[]?)await redis.EvalAsync(PresencesScript, [_keys.Experts], only is null ? args : [.. args, only]) ?? [];
        return r.Select(x => (RedisResult[]?)x ?? []).Where(x => x.Length == 4)
            .Select(x => Presence((string)x[0]!, x[1], (RedisValue[]?)x[2] ?? [], (RedisValue)x[3]))
            .OfType<ExpertPresence>().ToList();
    }

    // ---- Stored shapes ------------------------------------------------------------------------------------------------

    /// <summary>What never changes after the add; kept as JSON in the session's <c>record</c> field, never read by a script.</summary>
    private sealed record SessionRecord(string SessionId, string ConversationId, string ResumeTokenHash, VisitorProfile Visitor,
        DateTimeOffset RequestedAt, string? AddressHash, string? Project = null);

    private static readonly Dictionary<ChatState, string> StateCodes = new()
    {
        [ChatState.Queued] = "queued", [ChatState.Active] = "active", [ChatState.Ended] = "ended",
    };

    private static RedisValue[] SessionFields(ChatSession s)
    {
        var record = JsonSerializer.Serialize(new SessionRecord(s.SessionId, s.ConversationId, s.ResumeTokenHash, s.Visitor, s.RequestedAt,
            s.AddressHash, s.Project == Storage.Projects.Default ? null : s.Project), Json);
        var fields = new List<RedisValue>
        {
            "record", record, "state", StateCodes[s.State], "requestedAt", s.RequestedAt.ToUnixTimeMilliseconds(),
            "conversationId", s.ConversationId, "tokenHash", s.ResumeTokenHash,
        };
        void Add(string field, string? value)
        {
            if (value is null) return;
            fields.Add(field);
            fields.Add(value);
        }
        Add("addressHash", s.AddressHash);
        Add("expertId", s.ExpertId);
        Add("expertName", s.ExpertDisplayName);
        Add("expertExperience", s.ExpertExperience);
        Add("startedAt", s.StartedAt is { } started ? Iso(started) : null);
        Add("endedAt", s.EndedAt is { } ended ? Iso(ended) : null);
        Add("endedBy", s.EndedBy);
        Add("requeued", s.Requeued ? "1" : null);
        Add("transferredFrom", s.TransferredFrom);
        Add("transferredAt", s.TransferredAt is { } transferred ? Iso(transferred) : null);
        Add("feedback", s.FeedbackGiven ? "1" : null);
        Add("urgent", s.Urgent);
        Add("overflow", s.OverflowProject);
        Add("project", s.Project == Storage.Projects.Default ? null : s.Project); // read by the add script's per-project limit
        return [.. fields];
    }

    private static RedisValue[] PresenceFields(ExpertPresence p) =>
    [
        "displayName", p.DisplayName, "experience", p.Experience, "maxChats", p.MaxChats, "availability", p.Availability,
        "connected", p.Connected ? "1" : "0", "changedAt", Iso(p.ChangedAt), "lastAssignedAt", Iso(p.LastAssignedAt),
        "gender", p.Gender, "languages", string.Join(',', p.Languages), "projects", string.Join(',', p.Projects),
    ];

    /// <summary>A hash's fields (an HGETALL reply); empty when the key is gone.</summary>
    private static Dictionary<string, string> Fields(RedisResult r)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (r.IsNull || r.Resp2Type != ResultType.Array) return fields;
        var flat = (RedisValue[]?)r ?? [];
        for (var i = 0; i + 1 < flat.Length; i += 2) fields[(string)flat[i]!] = (string)flat[i + 1]!;
        return fields;
    }

    private ChatSession? Session(RedisResult r)
    {
        var f = Fields(r);
        if (f.Count == 0) return null;
        try
        {
            var record = JsonSerializer.Deserialize<SessionRecord>(f["record"], Json) ?? throw new JsonException("Empty record.");
            return new ChatSession
            {
                SessionId = record.SessionId, ConversationId = record.ConversationId, ResumeTokenHash = record.ResumeTokenHash,
                Visitor = record.Visitor, RequestedAt = record.RequestedAt, AddressHash = record.AddressHash,
                State = StateCodes.Single(c => c.Value == f["state"]).Key,
                ExpertId = f.GetValueOrDefault("expertId"),
                ExpertDisplayName = f.GetValueOrDefault("expertName"),
                ExpertExperience = f.GetValueOrDefault("expertExperience"),
                StartedAt = Time(f.GetValueOrDefault("startedAt")),
                EndedAt = Time(f.GetValueOrDefault("endedAt")),
                EndedBy = f.GetValueOrDefault("endedBy"),
                Requeued = f.GetValueOrDefault("requeued") == "1",
                TransferredFrom = f.GetValueOrDefault("transferredFrom"),
                TransferredAt = Time(f.GetValueOrDefault("transferredAt")),
                FeedbackGiven = f.GetValueOrDefault("feedback") == "1",
                Urgent = f.GetValueOrDefault("urgent"),
                Project = record.Project ?? Storage.Projects.Default,
                OverflowProject = f.GetValueOrDefault("overflow"),
            };
        }
        catch (Exception ex) when (ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or NotSupportedException)
        {
            Malformed("session", ex);
            return null;
        }
    }

    private ExpertPresence? Presence(string expertId, RedisResult r, RedisValue[] chats, RedisValue coolDownUntil)
    {
        var f = Fields(r);
        if (f.Count == 0) return null;
        try
        {
            return new ExpertPresence
            {
                ExpertId = expertId, DisplayName = f["displayName"], Experience = f["experience"],
                MaxChats = int.Parse(f["maxChats"], CultureInfo.InvariantCulture),
                Availability = f["availability"], Connected = f["connected"] == "1",
                ChangedAt = Time(f["changedAt"])!.Value, LastAssignedAt = Time(f["lastAssignedAt"])!.Value,
                Gender = f.GetValueOrDefault("gender") ?? "unspecified",
                Languages = (f.GetValueOrDefault("languages") ?? "nl").Split(',', StringSplitOptions.RemoveEmptyEntries),
                Projects = (f.GetValueOrDefault("projects") ?? Storage.Projects.Default).Split(',', StringSplitOptions.RemoveEmptyEntries),
                CoolDownUntil = coolDownUntil.IsNull ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)coolDownUntil),
                ActiveChats = chats.Select(c => (string)c!).Order(StringComparer.Ordinal).ToList(),
            };
        }
        catch (Exception ex) when (ex is FormatException or KeyNotFoundException or OverflowException)
        {
            Malformed("presence", ex);
            return null;
        }
    }

    private ChatMessage? Message(RedisValue json)
    {
        if (json.IsNull) return null;
        try
        {
            return JsonSerializer.Deserialize<ChatMessage>((string)json!, Json);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or NotSupportedException)
        {
            Malformed("message", ex);
            return null;
        }
    }

    /// <summary>A malformed value is logged (never its content) and skipped, not a crash.</summary>
    private void Malformed(string what, Exception ex) =>
        logger.LogError("Skipped a malformed {What} value in Redis ({Error})", what, ex.GetType().Name);

    private static DateTimeOffset? Time(string? iso) =>
        string.IsNullOrEmpty(iso) ? null : DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
