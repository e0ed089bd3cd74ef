namespace Chat.Server.Live;

/// <summary>
/// Embedded mode: live state in process. One lock guards everything; every operation is short and does no I/O,
/// so a single lock is both the simplest way to be atomic and fast enough (see the benchmark).
/// </summary>
public sealed class InMemoryLiveStore : ILiveStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ChatSession> _sessions = new();
    private readonly Dictionary<string, string> _byConversation = new();
    private readonly Dictionary<string, string> _byToken = new();
    private readonly Dictionary<string, Log> _logs = new();
    private readonly Dictionary<string, ExpertPresence> _experts = new();
    // Per address hash: the sessions queued or active, and the start times of the last hour.
    private readonly Dictionary<string, HashSet<string>> _openByAddress = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _startsByAddress = new();
    private int _queued;
    private int _trimStartsAt = 1024;

    private sealed class Log
    {
        public readonly MessageLog Messages = new();
        public long VisitorMinute = -1;
        public int VisitorInMinute;
    }

    public Task<QueueAdmission> AddQueuedAsync(ChatSession session, QueueLimits? limits = null, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (_sessions.ContainsKey(session.SessionId)) throw new InvalidOperationException("Session exists.");
            var address = session.AddressHash;
            Queue<DateTimeOffset>? starts = null;
            if (limits is not null)
            {
                // Abuse:MaxQueue per project: counted only when the whole queue is that long (one project: as before).
                if (_queued >= limits.MaxQueue && _sessions.Values.Count(s => s.State == ChatState.Queued && s.Project == session.Project) >= limits.MaxQueue)
                    return Task.FromResult(QueueAdmission.QueueFull);
                if (address is not null)
                {
                    if (_openByAddress.TryGetValue(address, out var open) && open.Count >= limits.MaxOpenPerAddress)
                        return Task.FromResult(QueueAdmission.AddressLimit);
                    starts = _startsByAddress.TryGetValue(address, out var q) ? q : _startsByAddress[address] = new();
                    while (starts.Count > 0 && starts.Peek() <= session.RequestedAt.AddHours(-1)) starts.Dequeue();
                    if (starts.Count >= limits.MaxPerAddressPerHour) return Task.FromResult(QueueAdmission.AddressLimit);
                }
            }
            // One urgent chat per address at a time: a second "yes" from it waits as anyone else does.
            if (session.Urgent is not null && address is not null && _openByAddress.TryGetValue(address, out var others)
                && others.Any(id => _sessions.TryGetValue(id, out var o) && o.State != ChatState.Ended && o.Urgent is not null))
                session = session with { Urgent = null };
            _sessions[session.SessionId] = session with { State = ChatState.Queued };
            _byConversation[session.ConversationId] = session.SessionId;
            _byToken[session.ResumeTokenHash] = session.SessionId;
            _logs[session.ConversationId] = new Log();
            _queued++;
            if (address is not null)
            {
                (_openByAddress.TryGetValue(address, out var open) ? open : _openByAddress[address] = []).Add(session.SessionId);
                (starts ?? (_startsByAddress.TryGetValue(address, out var q) ? q : _startsByAddress[address] = new())).Enqueue(session.RequestedAt);
            }
            // Addresses whose last start is over an hour old are dropped (bounded memory); the threshold doubles with what
            // stays, so a flood from many addresses does not make every start walk them all.
            if (_startsByAddress.Count > _trimStartsAt)
            {
                foreach (var (key, q) in _startsByAddress.ToList())
                    if (q.Count == 0 || q.Last() <= session.RequestedAt.AddHours(-1)) _startsByAddress.Remove(key);
                _trimStartsAt = Math.Max(1024, _startsByAddress.Count * 2);
            }
        }
        return Task.FromResult(QueueAdmission.Added);
    }

    public Task<ChatSession?> TryMarkUrgentAsync(string sessionId, string reason, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var s) || s.State != ChatState.Queued || s.Urgent is not null)
                return Task.FromResult<ChatSession?>(null);
            // One urgent chat per address at a time, as at the start.
            if (s.AddressHash is { } address && _openByAddress.TryGetValue(address, out var others)
                && others.Any(id => id != sessionId && _sessions.TryGetValue(id, out var o) && o.State != ChatState.Ended && o.Urgent is not null))
                return Task.FromResult<ChatSession?>(null);
            var marked = s with { Urgent = reason };
            _sessions[sessionId] = marked;
            return Task.FromResult<ChatSession?>(marked);
        }
    }

    public Task<ChatSession?> TryAddOverflowAsync(string sessionId, string? project, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var s) || s.State != ChatState.Queued) return Task.FromResult<ChatSession?>(null);
            var changed = s with { OverflowProject = project };
            _sessions[sessionId] = changed;
            return Task.FromResult<ChatSession?>(changed);
        }
    }

    public Task<ChatSession?> GetSessionAsync(string sessionId, CancellationToken ct = default)
    {
        lock (_gate) return Task.FromResult(_sessions.GetValueOrDefault(sessionId));
    }

    public Task<ChatSession?> FindByConversationAsync(string conversationId, CancellationToken ct = default)
    {
        lock (_gate)
            return Task.FromResult(_byConversation.TryGetValue(conversationId, out var id) ? _sessions.GetValueOrDefault(id) : null);
    }

    public Task<ChatSession?> FindByResumeTokenHashAsync(string tokenHash, CancellationToken ct = default)
    {
        lock (_gate)
            return Task.FromResult(_byToken.TryGetValue(tokenHash, out var id) ? _sessions.GetValueOrDefault(id) : null);
    }

    public Task<IReadOnlyList<ChatSession>> GetQueueAsync(CancellationToken ct = default)
    {
        lock (_gate)
        {
            IReadOnlyList<ChatSession> queue = _sessions.Values.Where(s => s.State == ChatState.Queued)
                .OrderBy(s => s.RequestedAt).ThenBy(s => s.SessionId, StringComparer.Ordinal).ToList();
            return Task.FromResult(queue);
        }
    }

    public Task<AssignOutcome> TryAssignAsync(string sessionId, string expertId, DateTimeOffset at, bool takeUrgent = false,
        CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var s) || s.State != ChatState.Queued || takeUrgent && s.Urgent is null)
                return Task.FromResult(AssignOutcome.SessionNotQueued);
            if (!_experts.TryGetValue(expertId, out var e)
                || (takeUrgent
                    ? !e.Connected || e.Availability == Availability.Offline || e.ActiveChats.Count >= e.MaxChats
                    : !e.HasCapacity || e.CoolingDownAt(at)))
                return Task.FromResult(AssignOutcome.ExpertUnavailable);
            _sessions[sessionId] = s with
            {
                State = ChatState.Active, ExpertId = expertId, ExpertDisplayName = e.DisplayName,
                ExpertExperience = e.Experience, StartedAt = at,
            };
            // Taking a visitor in danger by choice ends the expert's own cool-down (they chose; nothing is overruled silently).
            _experts[expertId] = e with
            {
                ActiveChats = [.. e.ActiveChats, sessionId], LastAssignedAt = at,
                CoolDownUntil = takeUrgent ? null : e.CoolDownUntil,
            };
            _queued--;
            return Task.FromResult(AssignOutcome.Assigned);
        }
    }

    public Task<ChatSession?> TryEndAsync(string sessionId, string endedBy, DateTimeOffset at, TimeSpan keepFor, TimeSpan coolDown = default,
        string? onlyIfWith = null,
        CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var s) || s.State == ChatState.Ended || onlyIfWith is not null && s.ExpertId != onlyIfWith)
                return Task.FromResult<ChatSession?>(null);
            var ended = s with { State = ChatState.Ended, EndedAt = at, EndedBy = endedBy };
            _sessions[sessionId] = ended;
            if (s.State == ChatState.Queued) _queued--;
            if (s.AddressHash is { } address && _openByAddress.TryGetValue(address, out var open))
            {
                open.Remove(sessionId);
                if (open.Count == 0) _openByAddress.Remove(address);
            }
            ReleaseSlot(s);
            if (s is { State: ChatState.Active, ExpertId: { } expertId } && coolDown > TimeSpan.Zero && _experts.TryGetValue(expertId, out var e))
                _experts[expertId] = e with { CoolDownUntil = Later(e.CoolDownUntil, at + coolDown) };
            return Task.FromResult<ChatSession?>(ended);
        }
    }

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    private readonly LinkedList<TimeSpan> _chatLengths = new();

    public Task RecordChatLengthAsync(TimeSpan length, CancellationToken ct = default)
    {
        lock (_gate)
        {
            _chatLengths.AddFirst(length);
            while (_chatLengths.Count > 20) _chatLengths.RemoveLast();
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<TimeSpan>> RecentChatLengthsAsync(CancellationToken ct = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<TimeSpan>>(_chatLengths.ToList());
    }

    public Task EndCoolDownAsync(string expertId, CancellationToken ct = default)
    {
        lock (_gate)
            if (_experts.TryGetValue(expertId, out var e)) _experts[expertId] = e with { CoolDownUntil = null };
        return Task.CompletedTask;
    }

    public Task<bool> TryMarkFeedbackAsync(string sessionId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var s) || s.State != ChatState.Ended || s.FeedbackGiven) return Task.FromResult(false);
            _sessions[sessionId] = s with { FeedbackGiven = true };
            return Task.FromResult(true);
        }
    }

    public Task<ChatSession?> TryRequeueAsync(string sessionId, string? transferredFrom = null, DateTimeOffset? at = null, string? onlyIfWith = null,
        CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var s) || s.State != ChatState.Active || onlyIfWith is not null && s.ExpertId != onlyIfWith)
                return Task.FromResult<ChatSession?>(null);
            var queued = s with
            {
                State = ChatState.Queued, ExpertId = null, ExpertDisplayName = null, ExpertExperience = null, StartedAt = null,
                Requeued = true,
                TransferredFrom = transferredFrom ?? s.TransferredFrom,
                TransferredAt = transferredFrom is null ? s.TransferredAt : at,
            };
            _sessions[sessionId] = queued;
            _queued++;
            ReleaseSlot(s);
            return Task.FromResult<ChatSession?>(queued);
        }
    }

    private void ReleaseSlot(ChatSession s)
    {
        if (s.ExpertId is not null && _experts.TryGetValue(s.ExpertId, out var e))
            _experts[s.ExpertId] = e with { ActiveChats = e.ActiveChats.Where(id => id != s.SessionId).ToList() };
    }

    public Task ForgetResumeTokenAsync(string tokenHash, CancellationToken ct = default)
    {
        lock (_gate) _byToken.Remove(tokenHash);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> PurgeEndedAsync(DateTimeOffset endedBefore, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var gone = _sessions.Values.Where(s => s.State == ChatState.Ended && s.EndedAt < endedBefore).ToList();
            foreach (var s in gone)
            {
                _sessions.Remove(s.SessionId);
                _byConversation.Remove(s.ConversationId);
                _byToken.Remove(s.ResumeTokenHash);
                _logs.Remove(s.ConversationId);
            }
            return Task.FromResult<IReadOnlyList<string>>(gone.Select(s => s.ConversationId).ToList());
        }
    }

    public Task<AppendResult> AppendAsync(string conversationId, string from, string clientMessageId, string text, DateTimeOffset at,
        string? assignedTo = null, MessageLimits? limits = null, CancellationToken ct = default, ReferralCard? card = null)
    {
        lock (_gate)
        {
            if (!_logs.TryGetValue(conversationId, out var log)
                || !_byConversation.TryGetValue(conversationId, out var sid))
                throw new KeyNotFoundException("Unknown conversation.");
            // A resend of a stored message is acknowledged again, even after the end (it was stored).
            if (log.Messages.Find(from, clientMessageId) is { } existing)
                return Task.FromResult(new AppendResult(existing, Duplicate: true, sid, _sessions[sid].ExpertId));
            // Checked inside the same atomic step as the append: nothing new is acknowledged after the end.
            if (_sessions[sid].State == ChatState.Ended && from != Senders.System)
                throw new ConversationEndedException();
            if (assignedTo is not null && _sessions[sid].ExpertId != assignedTo)
                throw new NotAssignedException();
            if (limits is not null && from != Senders.System)
            {
                if (log.Messages.Count >= limits.MaxMessages) throw new MessageLimitException(full: true);
                if (from == Senders.Visitor)
                {
                    var minute = at.ToUnixTimeSeconds() / 60;
                    if (log.VisitorMinute != minute) (log.VisitorMinute, log.VisitorInMinute) = (minute, 0);
                    if (log.VisitorInMinute >= limits.VisitorPerMinute) throw new MessageLimitException(full: false);
                    log.VisitorInMinute++;
                }
            }
            var message = log.Messages.Append(clientMessageId, from, text, at, card);
            return Task.FromResult(new AppendResult(message, Duplicate: false, sid, _sessions[sid].ExpertId));
        }
    }

    public Task<IReadOnlyList<ChatMessage>> GetMessagesAsync(string conversationId, long afterSeq, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_logs.TryGetValue(conversationId, out var log)) return Task.FromResult<IReadOnlyList<ChatMessage>>([]);
            return Task.FromResult<IReadOnlyList<ChatMessage>>(log.Messages.From((int)Math.Clamp(afterSeq, 0, log.Messages.Count)));
        }
    }

    public Task<ExpertPresence> UpsertPresenceAsync(ExpertPresence presence, CancellationToken ct = default)
    {
        lock (_gate)
        {
            var stored = _experts.TryGetValue(presence.ExpertId, out var e)
                ? presence with { ActiveChats = e.ActiveChats, LastAssignedAt = e.LastAssignedAt, CoolDownUntil = e.CoolDownUntil }
                : presence with { ActiveChats = [], CoolDownUntil = null };
            _experts[presence.ExpertId] = stored;
            return Task.FromResult(stored);
        }
    }

    public Task<PresenceUpdate> ConnectExpertAsync(ExpertPresence account, DateTimeOffset at, CancellationToken ct = default) =>
        Change(account.ExpertId, e => (e is null ? account with { Availability = Live.Availability.Offline } : WithAccount(e, account))
            with { Connected = true, ChangedAt = at });

    public Task<PresenceUpdate> DisconnectExpertAsync(string expertId, DateTimeOffset at, CancellationToken ct = default) =>
        Change(expertId, e => e is null ? null : e with { Connected = false, ChangedAt = at });

    public Task<PresenceUpdate> SetAvailabilityAsync(ExpertPresence account, string availability, DateTimeOffset at, CancellationToken ct = default) =>
        Change(account.ExpertId, e => (e is null ? account with { Connected = true } : WithAccount(e, account))
            with { Availability = availability, ChangedAt = at });

    public Task<PresenceUpdate> GoOfflineAsync(string expertId, DateTimeOffset at, DateTimeOffset? ifGoneBefore = null, CancellationToken ct = default) =>
        Change(expertId, e => e is null || ifGoneBefore is { } before && (e.Connected || e.ChangedAt > before)
            ? null
            : e with { Availability = Live.Availability.Offline, ChangedAt = at });

    private static ExpertPresence WithAccount(ExpertPresence e, ExpertPresence account) => e with
    {
        DisplayName = account.DisplayName, Experience = account.Experience, MaxChats = account.MaxChats, Gender = account.Gender,
        Languages = account.Languages, Projects = account.Projects,
    };

    private Task<PresenceUpdate> Change(string expertId, Func<ExpertPresence?, ExpertPresence?> change)
    {
        lock (_gate)
        {
            var before = _experts.GetValueOrDefault(expertId);
            var after = change(before);
            if (after is null) return Task.FromResult(new PresenceUpdate(before, null));
            after = before is null ? after with { ActiveChats = [], CoolDownUntil = null } : after;
            _experts[expertId] = after;
            return Task.FromResult(new PresenceUpdate(before, after));
        }
    }

    public Task<ExpertPresence?> GetPresenceAsync(string expertId, CancellationToken ct = default)
    {
        lock (_gate) return Task.FromResult(_experts.GetValueOrDefault(expertId));
    }

    public Task<IReadOnlyList<ExpertPresence>> GetPresencesAsync(CancellationToken ct = default)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<ExpertPresence>>(_experts.Values.ToList());
    }

    // ---- Across a planned restart (embedded mode; see LiveStateFile) --------------------------------

    /// <summary>Everything the store holds, as one consistent copy.</summary>
    public LiveSnapshot Export()
    {
        lock (_gate)
            return new LiveSnapshot(
                _sessions.Values.ToList(),
                _logs.ToDictionary(kv => kv.Key, kv => kv.Value.Messages.From(0)),
                _experts.Values.ToList(),
                _byToken.Keys.ToList(),
                _startsByAddress.ToDictionary(kv => kv.Key, kv => kv.Value.ToList()));
    }

    /// <summary>Fills an empty store from a snapshot (at start, before any connection is taken).</summary>
    public void Import(LiveSnapshot snapshot)
    {
        lock (_gate)
        {
            if (_sessions.Count > 0 || _experts.Count > 0) throw new InvalidOperationException("The live store is not empty.");
            var liveTokens = snapshot.ResumeTokenHashes.ToHashSet(StringComparer.Ordinal);
            foreach (var s in snapshot.Sessions)
            {
                _sessions[s.SessionId] = s;
                _byConversation[s.ConversationId] = s.SessionId;
                // A token forgotten before the stop (the visitor left or fled) stays dead.
                if (liveTokens.Contains(s.ResumeTokenHash)) _byToken[s.ResumeTokenHash] = s.SessionId;
                var log = new Log();
                foreach (var m in snapshot.Logs.GetValueOrDefault(s.ConversationId) ?? [])
                    log.Messages.Append(m.ClientMessageId, m.From, m.Text, m.SentAt, m.Card);
                _logs[s.ConversationId] = log;
                if (s.State == ChatState.Queued) _queued++;
                if (s.State != ChatState.Ended && s.AddressHash is { } address)
                    (_openByAddress.TryGetValue(address, out var open) ? open : _openByAddress[address] = []).Add(s.SessionId);
            }
            foreach (var e in snapshot.Experts) _experts[e.ExpertId] = e;
            foreach (var (address, starts) in snapshot.StartsByAddress) _startsByAddress[address] = new Queue<DateTimeOffset>(starts);
        }
    }
}

/// <summary>The in-process live state as data: kept across a planned restart, encrypted, and deleted once read.</summary>
public sealed record LiveSnapshot(
    IReadOnlyList<ChatSession> Sessions,
    IReadOnlyDictionary<string, List<ChatMessage>> Logs,
    IReadOnlyList<ExpertPresence> Experts,
    IReadOnlyList<string> ResumeTokenHashes,
    IReadOnlyDictionary<string, List<DateTimeOffset>> StartsByAddress)
{
    /// <summary>The address-hash keys and the blocks made under them (embedded mode), so a block outlives a restart.</summary>
    public IReadOnlyDictionary<long, byte[]>? AddressKeys { get; init; }
    public IReadOnlyList<Abuse.Block>? Blocks { get; init; }
    /// <summary>The per-address counts in their windows (requests while closed), so a restart does not reset them.</summary>
    public IReadOnlyDictionary<string, Abuse.WindowCount>? Counts { get; init; }
    /// <summary>The console's sign-in sessions (by the hash of their keys), so nobody is signed out by a planned restart.</summary>
    public IReadOnlyList<Accounts.KeptSession>? SignIns { get; init; }
    /// <summary>When the file was written (inside the protected payload): an older copy put back is refused.</summary>
    public DateTimeOffset? WrittenAt { get; init; }
}
