using System.Text.Json;
using System.Text.Json.Serialization;
using Chat.Server.Scaleout;
using StackExchange.Redis;

namespace Chat.Server.Live;

/// <summary>
/// Redis mode: the live state in Redis, shared by every node. Every change that touches more than one key is
/// one Lua script, so it is atomic across nodes: two nodes can never assign one visitor twice.
///
/// Keys (prefix P, default "chat:"), all named here and in the scripts below only:
///   P s:{sessionId}         session JSON                          P q          queue: zset sessionId by request time (ms)
///   P c:{conversationId}    -> sessionId                          P t:{hash}   resume-token hash -> sessionId
///   P log:{conversationId}  list of message JSON (index = seq-1)  P ids:{conversationId}  hash "from:clientId" -> seq
///   P e:{expertId}          presence JSON                         P ec:{expertId}  set of the expert's active sessionIds
///   P experts               set of expertIds                      P ended      zset sessionId by end time (ms)
///   P ao:{addressHash}      set of the address's open sessions    P ah:{addressHash}  zset of its starts (1 h TTL)
///   P mr:{conversationId}   the visitor's messages this minute (2 min TTL)
///   P cd:{expertId}         the expert's cool-down: until (ms); set by the end of a chat, read by the assignment
///   P lengths               the last 20 chats' lengths (seconds), for one wait estimate on every node
/// When a chat ends, its session, index and log keys get a TTL of the grace period: nothing about a visitor
/// outlives it, even if no node is running to purge.
/// </summary>
public sealed class RedisLiveStore(RedisConnection redis, Microsoft.Extensions.Options.IOptions<RedisOptions> options,
    Microsoft.Extensions.Options.IOptionsMonitor<Conversations.ChatOptions> chat, ILogger<RedisLiveStore> logger) : ILiveStore
{
    private readonly string _p = options.Value.KeyPrefix;
    private IDatabase Db => redis.Db;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    // ARGV: prefix, sessionId, conversationId, token hash, session JSON, request time (ms), then the limits (or ''):
    // max queue, max open per address, max per address per hour, address hash (or ''), a random member for the hour's
    // starts (not the session id: nothing links a session to its address after the grace period).
    // Per address: P ao:{hash} set of its queued or active sessions (ended ones are dropped here, so a crash between
    // an end and its SREM cannot hold a slot), P ah:{hash} zset of its starts in the last hour (expires after one).
    private const string AddQueuedScript = """
        local p, sid, now = ARGV[1], ARGV[2], tonumber(ARGV[6])
        if redis.call('EXISTS', p..'s:'..sid) == 1 then return 'exists' end
        local addr = ARGV[10]
        if ARGV[7] ~= '' then
          if redis.call('ZCARD', p..'q') >= tonumber(ARGV[7]) then return 'QueueFull' end
          if addr ~= '' then
            local open = 0
            for _, id in ipairs(redis.call('SMEMBERS', p..'ao:'..addr)) do
              local sj = redis.call('GET', p..'s:'..id)
              if sj and string.find(sj, '"state":"Ended"', 1, true) == nil then open = open + 1
              else redis.call('SREM', p..'ao:'..addr, id) end
            end
            if open >= tonumber(ARGV[8]) then return 'AddressLimit' end
            redis.call('ZREMRANGEBYSCORE', p..'ah:'..addr, '-inf', now - 3600000)
            if redis.call('ZCARD', p..'ah:'..addr) >= tonumber(ARGV[9]) then return 'AddressLimit' end
          end
        end
        redis.call('SET', p..'s:'..sid, ARGV[5])
        redis.call('ZADD', p..'q', now, sid)
        redis.call('SET', p..'c:'..ARGV[3], sid)
        redis.call('SET', p..'t:'..ARGV[4], sid)
        if addr ~= '' then
          redis.call('SADD', p..'ao:'..addr, sid)
          redis.call('PEXPIRE', p..'ao:'..addr, 86400000)
          redis.call('ZADD', p..'ah:'..addr, now, ARGV[11])
          redis.call('PEXPIRE', p..'ah:'..addr, 3600000)
        end
        return 'Added'
        """;

    public async Task<QueueAdmission> AddQueuedAsync(ChatSession session, QueueLimits? limits = null, CancellationToken ct = default)
    {
        var json = JsonSerializer.Serialize(session with { State = ChatState.Queued }, Json);
        var r = (string?)await redis.EvalAsync(AddQueuedScript, values:
            [_p, session.SessionId, session.ConversationId, session.ResumeTokenHash, json, session.RequestedAt.ToUnixTimeMilliseconds(),
             limits?.MaxQueue.ToString() ?? "", limits?.MaxOpenPerAddress ?? 0, limits?.MaxPerAddressPerHour ?? 0,
             session.AddressHash ?? "", Guid.NewGuid().ToString("n")]);
        if (r == "exists") throw new InvalidOperationException("Session exists.");
        return Enum.Parse<QueueAdmission>(r!);
    }

    public async Task<ChatSession?> GetSessionAsync(string sessionId, CancellationToken ct = default) =>
        Session(await Db.StringGetAsync(_p + "s:" + sessionId));

    private const string ByIndexScript = """
        local sid = redis.call('GET', KEYS[1])
        if not sid then return false end
        return redis.call('GET', ARGV[1]..'s:'..sid)
        """;

    public async Task<ChatSession?> FindByConversationAsync(string conversationId, CancellationToken ct = default) =>
        Session((RedisValue)await redis.EvalAsync(ByIndexScript, [_p + "c:" + conversationId], [_p]));

    public async Task<ChatSession?> FindByResumeTokenHashAsync(string tokenHash, CancellationToken ct = default) =>
        Session((RedisValue)await redis.EvalAsync(ByIndexScript, [_p + "t:" + tokenHash], [_p]));

    private const string QueueScript = """
        local p = ARGV[1]
        local ids = redis.call('ZRANGE', p..'q', 0, -1)
        local out = {}
        for i, id in ipairs(ids) do
          local s = redis.call('GET', p..'s:'..id)
          if s then out[#out + 1] = s end
        end
        return out
        """;

    public async Task<IReadOnlyList<ChatSession>> GetQueueAsync(CancellationToken ct = default)
    {
        var r = (RedisValue[]?)await redis.EvalAsync(QueueScript, values: [_p]) ?? [];
        // Ties on request time are broken by session id (ordinal), as the in-process store does.
        return r.Select(Session).OfType<ChatSession>().Where(s => s.State == ChatState.Queued)
            .OrderBy(s => s.RequestedAt).ThenBy(s => s.SessionId, StringComparer.Ordinal).ToList();
    }

    private const string AssignScript = """
        local p, sid, eid = ARGV[1], ARGV[2], ARGV[3]
        local sj = redis.call('GET', p..'s:'..sid)
        if not sj then return 'SessionNotQueued' end
        local s = cjson.decode(sj)
        if s.state ~= 'Queued' then return 'SessionNotQueued' end
        local ej = redis.call('GET', p..'e:'..eid)
        if not ej then return 'ExpertUnavailable' end
        local e = cjson.decode(ej)
        local active = redis.call('SCARD', p..'ec:'..eid)
        if e.connected ~= true or e.availability ~= 'available' or active >= tonumber(e.maxChats) then return 'ExpertUnavailable' end
        local cd = redis.call('GET', p..'cd:'..eid)
        if cd and tonumber(cd) > tonumber(ARGV[5]) then return 'ExpertUnavailable' end
        s.state = 'Active'
        s.expertId = eid
        s.expertDisplayName = e.displayName
        s.expertExperience = e.experience
        s.startedAt = ARGV[4]
        e.lastAssignedAt = ARGV[4]
        redis.call('SET', p..'s:'..sid, cjson.encode(s))
        redis.call('SET', p..'e:'..eid, cjson.encode(e))
        redis.call('SADD', p..'ec:'..eid, sid)
        redis.call('ZREM', p..'q', sid)
        return 'Assigned'
        """;

    public async Task<AssignOutcome> TryAssignAsync(string sessionId, string expertId, DateTimeOffset at, CancellationToken ct = default)
    {
        var r = (string?)await redis.EvalAsync(AssignScript, values: [_p, sessionId, expertId, Iso(at), at.ToUnixTimeMilliseconds()]);
        return Enum.Parse<AssignOutcome>(r!);
    }

    private const string EndScript = """
        local p, sid = ARGV[1], ARGV[2]
        local sj = redis.call('GET', p..'s:'..sid)
        if not sj then return false end
        local s = cjson.decode(sj)
        if s.state == 'Ended' then return false end
        if ARGV[9] ~= '' and s.expertId ~= ARGV[9] then return false end
        if s.state == 'Active' and type(s.expertId) == 'string' and ARGV[7] ~= '' then
          local key = p..'cd:'..s.expertId
          local old = redis.call('GET', key)
          if not old or tonumber(old) < tonumber(ARGV[7]) then redis.call('SET', key, ARGV[7], 'PX', ARGV[8]) end
        end
        s.state = 'Ended'
        s.endedBy = ARGV[3]
        s.endedAt = ARGV[4]
        local json = cjson.encode(s)
        redis.call('SET', p..'s:'..sid, json)
        redis.call('ZREM', p..'q', sid)
        if type(s.expertId) == 'string' then redis.call('SREM', p..'ec:'..s.expertId, sid) end
        if type(s.addressHash) == 'string' then redis.call('SREM', p..'ao:'..s.addressHash, sid) end
        redis.call('ZADD', p..'ended', ARGV[5], sid)
        local grace = ARGV[6]
        for _, k in ipairs({'s:'..sid, 'c:'..s.conversationId, 't:'..s.resumeTokenHash, 'log:'..s.conversationId, 'ids:'..s.conversationId}) do
          redis.call('PEXPIRE', p..k, grace)
        end
        return json
        """;

    public async Task<ChatSession?> TryEndAsync(string sessionId, string endedBy, DateTimeOffset at, TimeSpan coolDown = default, string? onlyIfWith = null,
        CancellationToken ct = default)
    {
        var grace = (long)chat.CurrentValue.GracePeriod.TotalMilliseconds;
        // The cool-down key outlives its end by a day (it holds no visitor data): expiry only tidies up, the end time decides.
        RedisValue until = coolDown > TimeSpan.Zero ? (at + coolDown).ToUnixTimeMilliseconds() : "";
        var ttl = (long)(coolDown + TimeSpan.FromDays(1)).TotalMilliseconds;
        return Session((RedisValue)await redis.EvalAsync(EndScript,
            values: [_p, sessionId, endedBy, Iso(at), at.ToUnixTimeMilliseconds(), grace, until, ttl, onlyIfWith ?? ""]));
    }

    public async Task RecordChatLengthAsync(TimeSpan length, CancellationToken ct = default)
    {
        var batch = Db.CreateBatch();
        var push = batch.ListLeftPushAsync(_p + "lengths", (long)length.TotalSeconds);
        var trim = batch.ListTrimAsync(_p + "lengths", 0, 19);
        batch.Execute();
        await Task.WhenAll(push, trim);
    }

    public async Task<IReadOnlyList<TimeSpan>> RecentChatLengthsAsync(CancellationToken ct = default) =>
        (await Db.ListRangeAsync(_p + "lengths", 0, 19)).Select(v => TimeSpan.FromSeconds((long)v)).ToList();

    public Task EndCoolDownAsync(string expertId, CancellationToken ct = default) => Db.KeyDeleteAsync(_p + "cd:" + expertId);

    private const string FeedbackScript = """
        local key = ARGV[1]..'s:'..ARGV[2]
        local sj = redis.call('GET', key)
        if not sj then return 0 end
        local s = cjson.decode(sj)
        if s.state ~= 'Ended' or s.feedbackGiven == true then return 0 end
        s.feedbackGiven = true
        redis.call('SET', key, cjson.encode(s), 'KEEPTTL')
        return 1
        """;

    public async Task<bool> TryMarkFeedbackAsync(string sessionId, CancellationToken ct = default) =>
        (int)await redis.EvalAsync(FeedbackScript, values: [_p, sessionId]) == 1;

    private const string RequeueScript = """
        local p, sid = ARGV[1], ARGV[2]
        local sj = redis.call('GET', p..'s:'..sid)
        if not sj then return false end
        local s = cjson.decode(sj)
        if s.state ~= 'Active' then return false end
        if ARGV[6] ~= '' and s.expertId ~= ARGV[6] then return false end
        if type(s.expertId) == 'string' then redis.call('SREM', p..'ec:'..s.expertId, sid) end
        s.state = 'Queued'
        s.expertId = cjson.null
        s.expertDisplayName = cjson.null
        s.expertExperience = cjson.null
        s.startedAt = cjson.null
        s.requeued = true
        if ARGV[4] ~= '' then
          s.transferredFrom = ARGV[4]
          s.transferredAt = ARGV[5]
        end
        local json = cjson.encode(s)
        redis.call('SET', p..'s:'..sid, json)
        redis.call('ZADD', p..'q', ARGV[3], sid)
        return json
        """;

    public async Task<ChatSession?> TryRequeueAsync(string sessionId, string? transferredFrom = null, DateTimeOffset? at = null, string? onlyIfWith = null,
        CancellationToken ct = default)
    {
        var current = await GetSessionAsync(sessionId, ct);
        if (current is null) return null;
        return Session((RedisValue)await redis.EvalAsync(RequeueScript,
            values: [_p, sessionId, current.RequestedAt.ToUnixTimeMilliseconds(), transferredFrom ?? "", at is { } t ? Iso(t) : "", onlyIfWith ?? ""]));
    }

    public Task ForgetResumeTokenAsync(string tokenHash, CancellationToken ct = default) => Db.KeyDeleteAsync(_p + "t:" + tokenHash);

    private const string PurgeScript = """
        local p = ARGV[1]
        local ids = redis.call('ZRANGEBYSCORE', p..'ended', '-inf', '('..ARGV[2])
        local out = {}
        for _, sid in ipairs(ids) do
          local sj = redis.call('GET', p..'s:'..sid)
          if sj then
            local s = cjson.decode(sj)
            redis.call('DEL', p..'c:'..s.conversationId, p..'t:'..s.resumeTokenHash, p..'log:'..s.conversationId, p..'ids:'..s.conversationId,
              p..'mr:'..s.conversationId)
            redis.call('DEL', p..'s:'..sid)
            out[#out + 1] = s.conversationId
          end
          redis.call('ZREM', p..'ended', sid)
        end
        return out
        """;

    public async Task<IReadOnlyList<string>> PurgeEndedAsync(DateTimeOffset endedBefore, CancellationToken ct = default)
    {
        var r = (RedisValue[]?)await redis.EvalAsync(PurgeScript, values: [_p, endedBefore.ToUnixTimeMilliseconds()]) ?? [];
        return r.Select(v => (string)v!).ToList();
    }

    // Appends a batch of messages (see GroupCommit), each checked and appended as a single append would be:
    // ARGV = prefix, then ten values per message (conversation, from, client id, text, time, the expert it must be
    // assigned to or '', the chat's message cap or '', the visitor's messages per minute or '', the minute, the card's
    // JSON or ''). Returns one reply per
    // message, in order: {'new', seq, sessionId, expertId or ''}, {'duplicate', the stored message's JSON, sessionId,
    // expertId or ''}, {'missing'}, {'ended'}, {'not-assigned'}, {'full'} or {'rate'}. The visitor's count per minute is
    // P mr:{conversationId} (minute, count), expiring with the minute.
    private const string AppendScript = """
        local p = ARGV[1]
        local out = {}
        -- Counts one more visitor message in this minute unless the minute's budget is spent.
        local function within(cid, perMinute, minute)
          local key = p..'mr:'..cid
          local cur = redis.call('HMGET', key, 'm', 'n')
          local n = (cur[1] == minute) and tonumber(cur[2]) or 0
          if n >= tonumber(perMinute) then return false end
          redis.call('HSET', key, 'm', minute, 'n', n + 1)
          redis.call('PEXPIRE', key, 120000)
          return true
        end
        for b = 2, #ARGV, 10 do
          local cid, from, clientId = ARGV[b], ARGV[b + 1], ARGV[b + 2]
          local reply
          local sid = redis.call('GET', p..'c:'..cid)
          local sj = sid and redis.call('GET', p..'s:'..sid)
          if not sj then
            reply = {'missing'}
          else
            -- Two plain searches instead of decoding the whole session for every message (the session JSON is
            -- written by this class and its scripts only, without spaces; a quote inside a value is escaped).
            local eid = string.match(sj, '"expertId":"([^"]*)"') or ''
            local ended = string.find(sj, '"state":"Ended"', 1, true) ~= nil
            local existing = redis.call('HGET', p..'ids:'..cid, from..':'..clientId)
            if existing then
              local n = tonumber(existing) -- (before 2026-11-23 the hash held the message itself)
              reply = {'duplicate', n and redis.call('LINDEX', p..'log:'..cid, n - 1) or existing, sid, eid}
            elseif from ~= 'system' and ended then
              reply = {'ended'}
            elseif ARGV[b + 5] ~= '' and ARGV[b + 5] ~= eid then
              reply = {'not-assigned'}
            elseif ARGV[b + 6] ~= '' and from ~= 'system' and redis.call('LLEN', p..'log:'..cid) >= tonumber(ARGV[b + 6]) then
              reply = {'full'}
            elseif ARGV[b + 7] ~= '' and from == 'visitor' and not within(cid, ARGV[b + 7], ARGV[b + 8]) then
              reply = {'rate'}
            else
              local seq = redis.call('LLEN', p..'log:'..cid) + 1
              local m = {seq = seq, clientMessageId = clientId, from = from, text = ARGV[b + 3], sentAt = ARGV[b + 4]}
              if ARGV[b + 9] ~= '' then m.card = cjson.decode(ARGV[b + 9]) end
              m = cjson.encode(m)
              redis.call('RPUSH', p..'log:'..cid, m)
              redis.call('HSET', p..'ids:'..cid, from..':'..clientId, seq)
              reply = {'new', seq, sid, eid}
            end
          end
          out[#out + 1] = reply
        end
        return out
        """;

    private sealed record PendingAppend(string ConversationId, string From, string ClientMessageId, string Text, string At, string AssignedTo,
        string MaxMessages, string PerMinute, long Minute, string Card);

    // Messages sent at the same moment (many chats on this node) share one round trip to Redis.
    private GroupCommit<PendingAppend, RedisResult>? _appends;

    private GroupCommit<PendingAppend, RedisResult> Appends => _appends ??= new(async batch =>
    {
        var values = new RedisValue[1 + batch.Count * 10];
        values[0] = _p;
        for (var i = 0; i < batch.Count; i++)
        {
            var (a, at) = (batch[i], 1 + i * 10);
            (values[at], values[at + 1], values[at + 2], values[at + 3], values[at + 4], values[at + 5]) =
                (a.ConversationId, a.From, a.ClientMessageId, a.Text, a.At, a.AssignedTo);
            (values[at + 6], values[at + 7], values[at + 8], values[at + 9]) = (a.MaxMessages, a.PerMinute, a.Minute, a.Card);
        }
        return (RedisResult[]?)await redis.EvalAsync(AppendScript, values: values) ?? [];
    });

    public async Task<AppendResult> AppendAsync(string conversationId, string from, string clientMessageId, string text, DateTimeOffset at,
        string? assignedTo = null, MessageLimits? limits = null, CancellationToken ct = default, ReferralCard? card = null)
    {
        var r = (RedisValue[]?)await Appends.RunAsync(new(conversationId, from, clientMessageId, text, Iso(at), assignedTo ?? "",
            limits?.MaxMessages.ToString() ?? "", limits?.VisitorPerMinute.ToString() ?? "", at.ToUnixTimeSeconds() / 60,
            card is null ? "" : JsonSerializer.Serialize(card, Json)));
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
        var r = await Db.ListRangeAsync(_p + "log:" + conversationId, Math.Max(0, afterSeq), -1);
        return r.Select(Message).OfType<ChatMessage>().ToList();
    }

    private const string UpsertPresenceScript = """
        local p, eid = ARGV[1], ARGV[2]
        local e = cjson.decode(ARGV[3])
        local old = redis.call('GET', p..'e:'..eid)
        if old then e.lastAssignedAt = cjson.decode(old).lastAssignedAt end
        redis.call('SET', p..'e:'..eid, cjson.encode(e))
        redis.call('SADD', p..'experts', eid)
        return {cjson.encode(e), redis.call('SMEMBERS', p..'ec:'..eid), redis.call('GET', p..'cd:'..eid)}
        """;

    public async Task<ExpertPresence> UpsertPresenceAsync(ExpertPresence presence, CancellationToken ct = default)
    {
        var json = JsonSerializer.Serialize(StoredPresence.From(presence), Json);
        var r = (RedisResult[]?)await redis.EvalAsync(UpsertPresenceScript, values: [_p, presence.ExpertId, json]) ?? [];
        return Presence((RedisValue)r[0], (RedisValue[]?)r[1] ?? [], (RedisValue)r[2])!;
    }

    // ARGV: prefix, expertId, mode (connect | disconnect | availability | offline), time (ISO), then for connect and
    // availability the account's presence JSON (used whole for a new expert) and the availability; for offline the
    // "gone before" time (ISO, or ''). ISO times of one format compare as strings. Returns {before or nil, after or nil,
    // the active chats, the cool-down or nil}.
    private const string PresenceScript = """
        local p, eid, mode, at = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
        local key = p..'e:'..eid
        local old = redis.call('GET', key)
        local chats = redis.call('SMEMBERS', p..'ec:'..eid)
        local cd = redis.call('GET', p..'cd:'..eid)
        local e
        if mode == 'connect' or mode == 'availability' then
          local account = cjson.decode(ARGV[5])
          if old then
            e = cjson.decode(old)
            e.displayName = account.displayName
            e.experience = account.experience
            e.maxChats = account.maxChats
            e.gender = account.gender
            e.languages = account.languages
            if mode == 'connect' then e.connected = true else e.availability = ARGV[6] end
          else
            e = account
          end
        else
          if not old then return {false, false, chats, cd} end
          e = cjson.decode(old)
          if mode == 'disconnect' then
            e.connected = false
          else
            if ARGV[5] ~= '' and (e.connected == true or e.changedAt > ARGV[5]) then return {old, false, chats, cd} end
            e.availability = 'offline'
          end
        end
        e.changedAt = at
        local json = cjson.encode(e)
        redis.call('SET', key, json)
        redis.call('SADD', p..'experts', eid)
        return {old or false, json, chats, cd}
        """;

    private async Task<PresenceUpdate> PresenceChangeAsync(string expertId, string mode, DateTimeOffset at, params RedisValue[] more)
    {
        var r = (RedisResult[]?)await redis.EvalAsync(PresenceScript, values: [_p, expertId, mode, Iso(at), .. more]) ?? [];
        var chats = (RedisValue[]?)r[2] ?? [];
        return new PresenceUpdate(Presence((RedisValue)r[0], chats, (RedisValue)r[3]), Presence((RedisValue)r[1], chats, (RedisValue)r[3]));
    }

    private static string AccountJson(ExpertPresence p) => JsonSerializer.Serialize(StoredPresence.From(p), Json);

    public Task<PresenceUpdate> ConnectExpertAsync(ExpertPresence account, DateTimeOffset at, CancellationToken ct = default) =>
        PresenceChangeAsync(account.ExpertId, "connect", at,
            AccountJson(account with { Availability = Live.Availability.Offline, Connected = true, ChangedAt = at }), "");

    public Task<PresenceUpdate> DisconnectExpertAsync(string expertId, DateTimeOffset at, CancellationToken ct = default) =>
        PresenceChangeAsync(expertId, "disconnect", at);

    public Task<PresenceUpdate> SetAvailabilityAsync(ExpertPresence account, string availability, DateTimeOffset at, CancellationToken ct = default) =>
        PresenceChangeAsync(account.ExpertId, "availability", at,
            AccountJson(account with { Availability = availability, Connected = true, ChangedAt = at }), availability);

    public Task<PresenceUpdate> GoOfflineAsync(string expertId, DateTimeOffset at, DateTimeOffset? ifGoneBefore = null, CancellationToken ct = default) =>
        PresenceChangeAsync(expertId, "offline", at, ifGoneBefore is { } before ? Iso(before) : "");

    private const string PresencesScript = """
        local p = ARGV[1]
        local ids = ARGV[2] and {ARGV[2]} or redis.call('SMEMBERS', p..'experts')
        local out = {}
        for _, eid in ipairs(ids) do
          local e = redis.call('GET', p..'e:'..eid)
          if e then out[#out + 1] = {e, redis.call('SMEMBERS', p..'ec:'..eid), redis.call('GET', p..'cd:'..eid)} end
        end
        return out
        """;

    public async Task<ExpertPresence?> GetPresenceAsync(string expertId, CancellationToken ct = default) =>
        (await PresencesAsync(expertId)).FirstOrDefault();

    public Task<IReadOnlyList<ExpertPresence>> GetPresencesAsync(CancellationToken ct = default) => PresencesAsync(null);

    private async Task<IReadOnlyList<ExpertPresence>> PresencesAsync(string? only)
    {
        RedisValue[] args = only is null ? [_p] : [_p, only];
        var r = (RedisResult[]?)await redis.EvalAsync(PresencesScript, values: args) ?? [];
        return r.Select(x => (RedisResult[]?)x ?? []).Where(x => x.Length >= 2)
            .Select(x => Presence((RedisValue)x[0], (RedisValue[]?)x[1] ?? [], x.Length > 2 ? (RedisValue)x[2] : RedisValue.Null))
            .OfType<ExpertPresence>().ToList();
    }

    // ---- JSON ---------------------------------------------------------------------------------------

    /// <summary>Presence as stored: active chats live in their own set (a JSON array would not survive Lua's cjson).</summary>
    /// Languages are joined by commas for the same reason.
    private sealed record StoredPresence(string ExpertId, string DisplayName, string Experience, int MaxChats, string Availability,
        bool Connected, string ChangedAt, string LastAssignedAt, string? Gender = null, string? Languages = null)
    {
        public static StoredPresence From(ExpertPresence p) => new(p.ExpertId, p.DisplayName, p.Experience, p.MaxChats,
            p.Availability, p.Connected, Iso(p.ChangedAt), Iso(p.LastAssignedAt), p.Gender, string.Join(',', p.Languages));
    }

    private ExpertPresence? Presence(RedisValue json, RedisValue[] chats, RedisValue coolDownUntil)
    {
        var stored = Parse<StoredPresence>(json, "presence");
        return stored is null ? null : new ExpertPresence
        {
            ExpertId = stored.ExpertId, DisplayName = stored.DisplayName, Experience = stored.Experience, MaxChats = stored.MaxChats,
            Availability = stored.Availability, Connected = stored.Connected, ChangedAt = DateTimeOffset.Parse(stored.ChangedAt),
            LastAssignedAt = DateTimeOffset.Parse(stored.LastAssignedAt),
            Gender = stored.Gender ?? "unspecified",
            Languages = (stored.Languages ?? "nl").Split(',', StringSplitOptions.RemoveEmptyEntries),
            CoolDownUntil = coolDownUntil.IsNull ? null : DateTimeOffset.FromUnixTimeMilliseconds((long)coolDownUntil),
            ActiveChats = chats.Select(c => (string)c!).Order(StringComparer.Ordinal).ToList(),
        };
    }

    private ChatSession? Session(RedisValue json) => Parse<ChatSession>(json, "session");
    private ChatMessage? Message(RedisValue json) => Parse<ChatMessage>(json, "message");

    /// <summary>A malformed value is logged (never its content) and skipped, not a crash.</summary>
    private T? Parse<T>(RedisValue json, string what) where T : class
    {
        if (json.IsNull) return null;
        try
        {
            return JsonSerializer.Deserialize<T>((string)json!, Json);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or NotSupportedException)
        {
            logger.LogError("Skipped a malformed {What} value in Redis ({Error})", what, ex.GetType().Name);
            return null;
        }
    }

    private static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("O");
}
