using System.Security.Cryptography;
using System.Text;
using Chat.Server.Abuse;
using Chat.Server.ContactForms;
using Chat.Server.Live;
using Chat.Server.Roster;
using Chat.Server.Statistics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Server.Conversations;

/// <summary>
/// The rules of the live chat, written once above the store: who waits, who is assigned to whom, what the
/// visitor and the expert are told. Hubs validate and delegate here; the store only makes each change atomic.
/// </summary>
public sealed partial class ChatRouter(
    ILiveStore store,
    ChatNotifier notify,
    IConnectionTracker connections,
    ContactDrafts drafts,
    QueueCounters counters,
    ShiftLog shifts,
    RosterCalendar roster,
    IAbuseStore abuse,
    TimeProvider time,
    IOptionsMonitor<ChatOptions> options,
    IOptionsMonitor<AbuseOptions> abuseOptions,
    IOptionsMonitor<RosterOptions> rosterOptions,
    Operations.ChatMetrics metrics,
    ILogger<ChatRouter> logger)
{
    // Routing runs one pass at a time on this node: a pass reads the queue and the experts and assigns in order.
    // Correctness across passes does not depend on this gate (TryAssign is atomic); it only avoids wasted work.
    private readonly SemaphoreSlim _routeGate = new(1, 1);

    private ChatOptions Options => options.CurrentValue;

    // ---- Visitor side -------------------------------------------------------------------------------

    /// <param name="address">The caller's address hash (null: none known, e.g. a call from inside the server).</param>
    /// <param name="bind">Joins the caller's connection to the session before routing, so it hears ChatStarted.</param>
    /// <param name="firstWhileClosed">Whether this is the visitor session's (connection's) first request while closed.</param>
    public async Task<StartChatResult> StartChatAsync(VisitorProfile profile, ClientAddress? address, Func<ChatSession, Task> bind,
        bool firstWhileClosed = true)
    {
        var now = time.GetUtcNow();
        if (!await IsOpenAsync())
        {
            // A request while closed counts once per visitor session, and one address adds at most
            // Abuse:ChatsPerAddressPerHour an hour: a visitor (or a script) asking again and again does not inflate the
            // funders' "requests while closed", while several people behind one address (a shelter's Wi-Fi) still count.
            if (firstWhileClosed && (address is null || await abuse.CountInWindowAsync("closed:" + address.Hash, TimeSpan.FromHours(1), now)
                    <= abuseOptions.CurrentValue.ChatsPerAddressPerHour))
                await counters.RequestAsync(now, open: false);
            return new StartChatResult(null, null, "closed", null, null);
        }
        if (address is not null && await abuse.IsBlockedAsync(address.AllHashes, now))
            return StartChatResult.Refused(Refusals.Blocked);

        var token = NewToken(32);
        var session = new ChatSession
        {
            SessionId = NewToken(12),
            ConversationId = NewToken(12),
            ResumeTokenHash = HashToken(token),
            Visitor = profile,
            RequestedAt = now,
            AddressHash = address?.Hash,
        };
        var a = abuseOptions.CurrentValue;
        // Checked atomically with the add: a flood of simultaneous starts from one address gets no more than its share,
        // and nobody is put in front of a visitor already waiting (the queue is ordered by request time).
        var admission = await store.AddQueuedAsync(session, new QueueLimits(a.MaxQueue, a.MaxOpenChatsPerAddress, a.ChatsPerAddressPerHour));
        if (admission != QueueAdmission.Added)
            return StartChatResult.Refused(admission == QueueAdmission.QueueFull ? Refusals.Busy : Refusals.Limit);
        Log.ChatRequested(logger, session.SessionId);
        await counters.RequestAsync(now, open: true);
        await bind(session);
        await RouteAsync();
        await PublishQueueAsync();

        var current = await store.GetSessionAsync(session.SessionId) ?? session;
        var (position, estimate) = await PositionAsync(current);
        var status = current.State switch { ChatState.Queued => "queued", ChatState.Active => "active", _ => "ended" };
        return new StartChatResult(session.SessionId, token, status, current.State == ChatState.Queued ? position : null, estimate);
    }

    public async Task<(ResumeResult Result, ChatSession? Session)> ResumeAsync(string resumeToken, long lastSeenSeq)
    {
        var session = await store.FindByResumeTokenHashAsync(HashToken(resumeToken));
        // After LeaveChat or a quick exit the token is dead: whoever uses the device next reads nothing back.
        if (session is null or { State: ChatState.Ended, EndedBy: Senders.Visitor })
            return (new ResumeResult("ended", null, null, null, null, []), null);
        var messages = (await store.GetMessagesAsync(session.ConversationId, lastSeenSeq))
            .Select(m => MessageDto.Of(session.ConversationId, m)).ToList();
        var (position, estimate) = await PositionAsync(session);
        var status = session.State switch { ChatState.Queued => "queued", ChatState.Active => "active", _ => "ended" };
        return (new ResumeResult(status, position, estimate, session.ConversationId, ExpertOf(session), messages), session);
    }

    public async Task VisitorConnectedAsync(ChatSession session)
    {
        var wasGone = await connections.VisitorConnectedAsync(session.SessionId);
        if (wasGone && session is { State: ChatState.Active, ExpertId: not null })
            await notify.Expert(session.ExpertId).VisitorConnectionChanged(new(session.ConversationId, true));
    }

    public async Task VisitorDisconnectedAsync(string sessionId)
    {
        if (!await connections.VisitorDisconnectedAsync(sessionId)) return;
        var session = await store.GetSessionAsync(sessionId);
        if (session is { State: ChatState.Active, ExpertId: not null })
            await notify.Expert(session.ExpertId).VisitorConnectionChanged(new(session.ConversationId, false));
    }

    /// <param name="placed">Called once the message is handed to the store (its place in the log is fixed).</param>
    public Task<SendResult> VisitorSendAsync(ChatSession session, string clientMessageId, string text, Action? placed = null) =>
        SendAsync(session.ConversationId, Senders.Visitor, clientMessageId, text, null, placed);

    public async Task VisitorTypingAsync(ChatSession session, bool isTyping)
    {
        var current = await store.GetSessionAsync(session.SessionId);
        if (current is { State: ChatState.Active, ExpertId: not null })
            await notify.Expert(current.ExpertId).TypingChanged(new(current.ConversationId, Senders.Visitor, isTyping));
    }

    /// <summary>The visitor leaves: the chat ends (if it had not already) and its resume token reads nothing back, ever.</summary>
    public async Task LeaveAsync(string sessionId)
    {
        await EndAsync(sessionId, Senders.Visitor);
        if (await store.GetSessionAsync(sessionId) is { } s) await store.ForgetResumeTokenAsync(s.ResumeTokenHash);
    }

    /// <summary>Quick exit from a page that is going away (the beacon): as LeaveChat, found by the resume token.</summary>
    public async Task LeaveByTokenAsync(string resumeToken)
    {
        var hash = HashToken(resumeToken);
        if (await store.FindByResumeTokenHashAsync(hash) is { } s) await EndAsync(s.SessionId, Senders.Visitor);
        await store.ForgetResumeTokenAsync(hash);
    }

    // ---- Expert side --------------------------------------------------------------------------------

    public async Task ExpertConnectedAsync(ExpertIdentity expert)
    {
        await connections.ExpertConnectedAsync(expert.Id);
        var (before, after) = await store.ConnectExpertAsync(expert.Presence(Availability.Offline, connected: true, time.GetUtcNow()), time.GetUtcNow());
        if (before is { Connected: false } && after is not null)
        {
            await TellVisitorsOfAsync(after, connected: true);
            if (await RouteAsync()) await PublishQueueAsync();
        }
    }

    /// <summary>The visitors of an expert's chats hear that the expert's connection dropped or came back.</summary>
    private async Task TellVisitorsOfAsync(ExpertPresence expert, bool connected)
    {
        foreach (var sessionId in expert.ActiveChats)
            if (await store.GetSessionAsync(sessionId) is { State: ChatState.Active } s)
                await notify.Visitor(sessionId).ExpertConnectionChanged(new(s.ConversationId, connected));
    }

    public async Task ExpertDisconnectedAsync(string expertId)
    {
        if (!await connections.ExpertDisconnectedAsync(expertId)) return;
        // No new chats while no console is open; the sweeper hands their chats on after the reconnect grace.
        if ((await store.DisconnectExpertAsync(expertId, time.GetUtcNow())).After is not { } gone) return;
        await TellVisitorsOfAsync(gone, connected: false);
        connections.RaiseExpertGone(expertId);
        await PublishQueueAsync();
    }

    public async Task<string> SetAvailabilityAsync(ExpertIdentity expert, string availability)
    {
        await store.SetAvailabilityAsync(expert.Presence(availability, connected: true, time.GetUtcNow()), availability, time.GetUtcNow());
        Log.AvailabilityChanged(logger, expert.Id, availability);
        await shifts.OnShiftAsync(expert.Id, availability != Availability.Offline, time.GetUtcNow());
        await notify.Expert(expert.Id).AvailabilityChanged(new(availability));
        await RouteAsync();
        await PublishQueueAsync();
        return availability;
    }

    /// <summary>
    /// A disabled account goes off shift at once: offline, and its running chats go to the front of the queue with
    /// their history (as when an expert's connection is lost), so no visitor waits for an expert who is gone.
    /// </summary>
    public async Task TakeOffShiftAsync(string expertId)
    {
        var now = time.GetUtcNow();
        if ((await store.GoOfflineAsync(expertId, now)).After is not { } e) return;
        await shifts.OnShiftAsync(expertId, false, now);
        await RequeueChatsOfAsync(e, now);
        await RouteAsync();
        await PublishQueueAsync();
    }

    private async Task RequeueChatsOfAsync(ExpertPresence e, DateTimeOffset now)
    {
        foreach (var sessionId in e.ActiveChats)
        {
            var requeued = await store.TryRequeueAsync(sessionId, onlyIfWith: e.ExpertId);
            if (requeued is null) continue;
            Log.ChatRequeued(logger, sessionId);
            await BackInQueueAsync(requeued, "expert-lost", VisitorTexts.ExpertLost(requeued.Visitor.Language), now);
        }
    }

    public async Task<ExpertState> GetStateAsync(string expertId, IReadOnlyList<ContactPrefill> pendingForms)
    {
        var presence = await store.GetPresenceAsync(expertId);
        var conversations = new List<ExpertConversation>();
        foreach (var sessionId in presence?.ActiveChats ?? [])
        {
            var s = await store.GetSessionAsync(sessionId);
            if (s is not { State: ChatState.Active }) continue;
            var messages = (await store.GetMessagesAsync(s.ConversationId, 0)).Select(m => MessageDto.Of(s.ConversationId, m)).ToList();
            conversations.Add(new ExpertConversation(s.ConversationId, VisitorInfoOf(s), s.StartedAt!.Value,
                await connections.IsVisitorConnectedAsync(s.SessionId), messages));
        }
        var coolDown = presence?.CoolingDownAt(time.GetUtcNow()) == true ? presence.CoolDownUntil : null;
        return new ExpertState(presence?.Availability ?? Availability.Offline, conversations, await QueueSummaryAsync(), pendingForms, coolDown);
    }

    /// <summary>"Ik ben er klaar voor": the expert ends the pause after a chat early and can be given the next visitor.</summary>
    public async Task EndCoolDownAsync(string expertId)
    {
        await store.EndCoolDownAsync(expertId);
        if (await RouteAsync()) await PublishQueueAsync();
    }

    /// <summary>The queue as this expert sees it: can the waiting visitors be theirs, and if not, why and until when.</summary>
    public async Task<QueueStatus> QueueStatusAsync(string expertId)
    {
        var m = await SituationAsync();
        var summary = Summary(m.Queue);
        var me = m.Experts.FirstOrDefault(e => e.ExpertId == expertId);
        var why = me is null ? (m.Queue.Count > 0 ? NotYoursReasons.Offline : null) : Matchmaking.WhyNot(me, m);
        DateTimeOffset? until = why switch
        {
            NotYoursReasons.CoolDown => me!.CoolDownUntil,
            NotYoursReasons.ShiftEnding => m.ShiftEnds.GetValueOrDefault(expertId),
            NotYoursReasons.Preference or NotYoursReasons.Transferred => Matchmaking.FallbackAt(m.Queue[0], m.Rules),
            _ => null,
        };
        var wish = why == NotYoursReasons.Preference
            ? new QueueWish(m.Queue[0].Visitor.PreferredExperience, m.Queue[0].Visitor.PreferredGender, m.Queue[0].Visitor.Language)
            : null;
        return new QueueStatus(summary.Waiting, summary.LongestWaitSeconds, why, until, wish);
    }

    /// <summary>The expert's own active conversation, or a HubException that says it is not theirs.</summary>
    public async Task<ChatSession> ExpertConversationAsync(string expertId, string conversationId)
    {
        var s = await store.FindByConversationAsync(conversationId);
        if (s is null || s.ExpertId != expertId)
            throw new HubException("Dit gesprek bestaat niet of is niet aan jou toegewezen.");
        if (s.State == ChatState.Ended)
            throw new HubException("Dit gesprek is al beëindigd.");
        return s;
    }

    /// <summary>One round trip to the store: the append itself checks that the chat is this expert's and still open.</summary>
    /// <param name="card">A referral card (SendReferral), stored with the message; <paramref name="text"/> is its text form.</param>
    public Task<SendResult> ExpertSendAsync(string expertId, string conversationId, string clientMessageId, string text, Action? placed = null,
        ReferralCard? card = null) =>
        SendAsync(conversationId, Senders.Expert, clientMessageId, text, expertId, placed, card);

    public Task ExpertTypingAsync(ChatSession session, bool isTyping) =>
        notify.Visitor(session.SessionId).TypingChanged(new(session.ConversationId, Senders.Expert, isTyping));

    public Task EndByExpertAsync(ChatSession session) => EndAsync(session.SessionId, Senders.Expert, onlyIfWith: session.ExpertId);

    /// <summary>
    /// The expert stops an abusive, threatening or prank visitor: the chat ends as EndChat ends it, and the visitor's
    /// address (its hash) cannot start a chat for <see cref="AbuseOptions.BlockDuration"/>, on every node. No contact
    /// form is asked for; the statistics count the chat as blocked.
    /// </summary>
    public async Task<BlockResult> BlockAsync(ChatSession session, ExpertIdentity expert, string reason)
    {
        var now = time.GetUtcNow();
        var block = new Block(NewToken(9), session.AddressHash ?? "", now, now + abuseOptions.CurrentValue.BlockDuration, reason, expert.DisplayName);
        // The block first: the visitor learns of the end at once and must not be able to start again in between.
        if (session.AddressHash is not null) await abuse.AddBlockAsync(block);
        Log.VisitorBlocked(logger, block.Id, reason);
        // The same address's other requests still waiting (a prank script's) leave the queue with it, first (ending the
        // blocked chat frees the expert, who would get the next of them); chats already running with a colleague go on
        // (the same address can be a household or a shelter's Wi-Fi).
        if (session.AddressHash is { } address)
            foreach (var queued in (await store.GetQueueAsync()).Where(q => q.AddressHash == address))
                await EndAsync(queued.SessionId, Senders.System);
        await EndAsync(session.SessionId, Senders.Expert, blocked: true, onlyIfWith: session.ExpertId);
        return new BlockResult(block.Id, block.Until);
    }

    /// <summary>
    /// The expert passes the chat on (it comes too close, or a better match is on shift): the visitor goes back to
    /// the front of the queue with the history, and is not routed back to this expert until the preference fallback.
    /// The next expert files the contact form.
    /// </summary>
    public async Task TransferAsync(ChatSession session)
    {
        var now = time.GetUtcNow();
        var requeued = await store.TryRequeueAsync(session.SessionId, session.ExpertId, now, onlyIfWith: session.ExpertId);
        if (requeued is null) return;
        Log.ChatTransferred(logger, session.SessionId);
        var duration = (int)Math.Max(0, (now - (session.StartedAt ?? now)).TotalSeconds);
        await notify.Expert(session.ExpertId!).ChatEnded(new(session.ConversationId, Senders.Expert, duration, null, Transferred: true));
        await BackInQueueAsync(requeued, "transfer", VisitorTexts.Transferred(requeued.Visitor.Language), now);
        await RouteAsync();
        await PublishQueueAsync();
    }

    private async Task BackInQueueAsync(ChatSession s, string reason, string text, DateTimeOffset now)
    {
        var appended = await store.AppendAsync(s.ConversationId, Senders.System, $"{reason}-{now.ToUnixTimeMilliseconds()}", text, now);
        await notify.Visitor(s.SessionId).MessageReceived(MessageDto.Of(s.ConversationId, appended.Message));
        await notify.Visitor(s.SessionId).BackInQueue(new(s.ConversationId, reason));
    }

    // ---- Shared -------------------------------------------------------------------------------------

    /// <param name="assignedTo">An expert's send: stored only while the chat is with this expert (checked by the store,
    /// atomically with the append: a chat passed on a moment ago takes nothing more from its former expert).</param>
    private async Task<SendResult> SendAsync(string conversationId, string from, string clientMessageId, string text, string? assignedTo,
        Action? placed, ReferralCard? card = null)
    {
        // The store takes the message in call order before its first await; after that, the next send may go.
        Task<AppendResult> append;
        try
        {
            var o = Options;
            append = store.AppendAsync(conversationId, from, clientMessageId, text, time.GetUtcNow(), assignedTo,
                new MessageLimits(o.MaxMessagesPerChat, o.VisitorMessagesPerMinute), card: card);
        }
        catch (Exception ex)
        {
            append = Task.FromException<AppendResult>(ex);
        }
        finally
        {
            placed?.Invoke();
        }
        AppendResult appended;
        try
        {
            appended = await append;
        }
        catch (Exception ex) when (ex is KeyNotFoundException or NotAssignedException && assignedTo is not null)
        {
            throw new HubException("Dit gesprek bestaat niet of is niet aan jou toegewezen.");
        }
        catch (Exception ex) when (ex is ConversationEndedException or KeyNotFoundException)
        {
            throw new HubException("Dit gesprek is beëindigd; het bericht is niet verstuurd.");
        }
        catch (MessageLimitException ex) when (ex.Full)
        {
            throw new ChatRefusal("chat-full", $"Dit gesprek heeft het maximale aantal berichten ({Options.MaxMessagesPerChat}) bereikt. " +
                "Begin een nieuw gesprek als je verder wilt praten.");
        }
        catch (MessageLimitException)
        {
            // "[retry]": the widget keeps the message and sends it again (same id) a little later; nothing is lost.
            throw new ChatRefusal("message-rate", "Je stuurt veel berichten kort na elkaar. Je bericht wordt zo opnieuw verstuurd. [retry]");
        }
        var m = appended.Message;
        if (!appended.Duplicate)
        {
            // The expert as the append saw it: the chat may have been assigned since the caller looked.
            metrics.MessageStored(from);
            await notify.MessageReceived(appended.SessionId, appended.ExpertId, MessageDto.Of(conversationId, m));
        }
        return new SendResult(m.Seq, m.SentAt);
    }

    /// <param name="onlyIfWith">An expert's end: only while the chat is still theirs (checked atomically by the store).</param>
    private async Task EndAsync(string sessionId, string endedBy, bool blocked = false, string? onlyIfWith = null)
    {
        var now = time.GetUtcNow();
        var ended = await store.TryEndAsync(sessionId, endedBy, now, Options.CoolDown, onlyIfWith);
        if (ended is null) return;
        await connections.ForgetAsync(sessionId);
        Log.ChatEnded(logger, ended.SessionId, endedBy, ended.ExpertId is not null);
        if (ended.StartedAt is null && !ended.Requeued) await counters.AbandonedAsync(now);

        if (blocked) await counters.BlockedAsync(now);
        if (ended.ExpertId is not null && ended.StartedAt is { } started)
        {
            await store.RecordChatLengthAsync(now - started);
            var duration = (int)Math.Max(0, (now - started).TotalSeconds);
            if (blocked)
            {
                // A blocked chat needs no contact form: none is asked for, none counts as missing.
                await notify.Expert(ended.ExpertId).ChatEnded(new(ended.ConversationId, endedBy, duration, null, Blocked: true,
                    CoolDownUntil: CoolDownAfter(now)));
            }
            else
            {
                var prefill = ContactDrafts.Prefill(ended, now, await store.GetMessagesAsync(ended.ConversationId, 0));
                await drafts.SaveAsync(ended.ExpertId, prefill, now);
                await notify.Expert(ended.ExpertId).ChatEnded(new(ended.ConversationId, endedBy, duration, prefill, CoolDownUntil: CoolDownAfter(now)));
            }
        }
        await notify.Visitor(ended.SessionId).ChatEnded(new(ended.ConversationId, endedBy));
        await RouteAsync();
        await PublishQueueAsync();
    }

    private DateTimeOffset? CoolDownAfter(DateTimeOffset end) => Options.CoolDown > TimeSpan.Zero ? end + Options.CoolDown : null;

    /// <summary>The queue, the experts, the planned shift ends and the time: what the matching rules decide on.</summary>
    /// <param name="onlyIfSomeoneIsFree">Skip reading the queue (null) when no expert takes new chats: a routing pass has nothing to do.</param>
    private async Task<MatchSituation?> SituationAsync(bool onlyIfSomeoneIsFree)
    {
        var now = time.GetUtcNow();
        var m = new MatchSituation([], await store.GetPresencesAsync(), await roster.ShiftEndsAsync(now), now,
            new MatchRules(Options.PreferenceFallback, rosterOptions.CurrentValue.NoNewChatsBeforeShiftEnd));
        if (onlyIfSomeoneIsFree && !m.Experts.Any(e => Matchmaking.TakesNewChats(e, m))) return null;
        return m with { Queue = await store.GetQueueAsync() };
    }

    private async Task<MatchSituation> SituationAsync() => (await SituationAsync(onlyIfSomeoneIsFree: false))!;

    /// <summary>
    /// Assigns waiting visitors to experts until no pair is left, each pair chosen by <see cref="Matchmaking.Next"/>.
    /// Runs on every change (join, leave, availability, end) and on each sweep (for the preference fallback, the end of a
    /// cool-down). Returns whether anyone was assigned; the caller publishes the queue once, after its own change.
    /// </summary>
    public async Task<bool> RouteAsync()
    {
        await _routeGate.WaitAsync();
        var changed = false;
        try
        {
            // Bounded: each successful pass assigns one visitor; a failed TryAssign means state moved, so read again.
            for (var attempts = 0; attempts < 10_000; attempts++)
            {
                if (await SituationAsync(onlyIfSomeoneIsFree: true) is not { } m || Matchmaking.Next(m) is not var (visitor, expert)) break;
                var assigning = System.Diagnostics.Stopwatch.GetTimestamp();
                var outcome = await store.TryAssignAsync(visitor.SessionId, expert.ExpertId, m.Now);
                if (outcome != AssignOutcome.Assigned) continue; // someone else changed it: read again
                changed = true;
                var assigned = await store.GetSessionAsync(visitor.SessionId);
                if (assigned is not null) await AnnounceAssignmentAsync(assigned, fallback: !Matchmaking.MeetsPreferences(expert, visitor.Visitor));
                metrics.AssignmentTook(System.Diagnostics.Stopwatch.GetElapsedTime(assigning));
            }
        }
        finally
        {
            _routeGate.Release();
        }
        return changed;
    }

    /// <param name="fallback">The expert is not what the visitor asked for (the preferences gave way): the visitor is told so.</param>
    private async Task AnnounceAssignmentAsync(ChatSession s, bool fallback)
    {
        Log.ChatAssigned(logger, s.SessionId, s.ExpertId!, (int)(s.StartedAt!.Value - s.RequestedAt).TotalMilliseconds);
        if (!s.Requeued) metrics.Assigned(s.StartedAt.Value - s.RequestedAt);
        if (!s.Requeued) await counters.AnsweredAsync(s.StartedAt.Value, s.StartedAt.Value - s.RequestedAt);
        var note = fallback
            ? await store.AppendAsync(s.ConversationId, Senders.System, "preference-fallback-" + s.StartedAt.Value.ToUnixTimeMilliseconds(),
                VisitorTexts.PreferenceFallback(s.Visitor.Language, s.ExpertDisplayName ?? ""), s.StartedAt.Value)
            : null;
        var messages = (await store.GetMessagesAsync(s.ConversationId, 0)).Select(m => MessageDto.Of(s.ConversationId, m)).ToList();
        await notify.Expert(s.ExpertId!).ChatAssigned(new(s.ConversationId, VisitorInfoOf(s), s.StartedAt.Value, messages));
        await notify.Visitor(s.SessionId).ChatStarted(new(s.ConversationId, ExpertOf(s)!));
        if (note is not null) await notify.Visitor(s.SessionId).MessageReceived(MessageDto.Of(s.ConversationId, note.Message));
    }

    /// <summary>Tells every waiting visitor their position and estimate, and every expert the queue summary.</summary>
    public async Task PublishQueueAsync()
    {
        var m = await SituationAsync();
        var length = await TypicalChatLengthAsync();
        for (var i = 0; i < m.Queue.Count; i++)
            await notify.Visitor(m.Queue[i].SessionId).QueueUpdated(new(i + 1, Matchmaking.EstimateSeconds(m.Queue[i], i + 1, m, length)));
        await notify.Experts.QueueChanged(Summary(m.Queue));
    }

    public async Task<QueueChanged> QueueSummaryAsync() => Summary(await store.GetQueueAsync());

    /// <summary>The live situation for the coordinator: who is on shift and how busy, the queue. No content.</summary>
    public async Task<LiveOverview> OverviewAsync()
    {
        var experts = (await store.GetPresencesAsync()).Where(e => e.OnShift)
            .OrderBy(e => e.DisplayName, StringComparer.CurrentCulture)
            .Select(e => new LiveExpert(e.DisplayName, e.Experience, e.Availability, e.Connected, e.ActiveChats.Count, e.MaxChats))
            .ToList();
        return new LiveOverview(await IsOpenAsync(), await QueueSummaryAsync(), experts);
    }

    private QueueChanged Summary(IReadOnlyList<ChatSession> queue)
    {
        var longest = queue.Count == 0 ? 0 : (int)Math.Max(0, (time.GetUtcNow() - queue[0].RequestedAt).TotalSeconds);
        return new QueueChanged(queue.Count, longest);
    }

    public async Task<bool> IsOpenAsync() => IsOpen(await store.GetPresencesAsync());

    private static bool IsOpen(IEnumerable<ExpertPresence> experts) => experts.Any(e => e.OnShift && (e.Connected || e.ActiveChats.Count > 0));

    /// <summary>For /api/status (polled by every widget): one read of the experts and the queue; the chat lengths only when open.</summary>
    public async Task<(bool Open, int Waiting, int? EstimatedWaitSeconds)> StatusAsync()
    {
        var m = await SituationAsync();
        var open = IsOpen(m.Experts);
        return (open, m.Queue.Count, open ? Matchmaking.EstimateSeconds(null, m.Queue.Count + 1, m, await TypicalChatLengthAsync()) : null);
    }

    private async Task<(int Position, int? Estimate)> PositionAsync(ChatSession s)
    {
        if (s.State != ChatState.Queued) return (0, null);
        var m = await SituationAsync();
        var index = m.Queue.ToList().FindIndex(q => q.SessionId == s.SessionId);
        var position = index < 0 ? m.Queue.Count : index + 1;
        return (position, Matchmaking.EstimateSeconds(s, position, m, await TypicalChatLengthAsync()));
    }

    /// <summary>The average of the last chats (every node the same), or Chat:TypicalChatLength until three have ended.</summary>
    private async Task<TimeSpan> TypicalChatLengthAsync()
    {
        var recent = await store.RecentChatLengthsAsync();
        return recent.Count < 3 ? Options.TypicalChatLength : TimeSpan.FromSeconds(recent.Average(t => t.TotalSeconds));
    }

    // ---- Timeouts (called by the sweeper) -----------------------------------------------------------

    private const string NodeLost = "node-lost";

    public async Task SweepAsync()
    {
        var now = time.GetUtcNow();
        var o = Options;

        // First, and apart from everything below that needs the records database: message logs are deleted after the
        // grace period (only the contact form remains), also while that database is unreachable.
        var purged = await store.PurgeEndedAsync(now - o.GracePeriod);
        if (purged.Count > 0) Log.Purged(logger, purged.Count);

        // Visitors who closed the browser while waiting leave the queue.
        // Connections held by nodes that died are forgotten; experts left without any are disconnected.
        var dead = await connections.SweepDeadNodesAsync();
        foreach (var expertId in dead.ExpertsGone)
            await store.DisconnectExpertAsync(expertId, now);
        // What a dead node acknowledged but had not published yet never reached the other side: that side reloads.
        foreach (var sessionId in dead.SessionsHit)
            if (await store.GetSessionAsync(sessionId) is { State: ChatState.Active, ExpertId: { } expertId })
                await notify.Expert(expertId).Resync(new(NodeLost));
        foreach (var expertId in dead.ExpertsHit)
            if (await store.GetPresenceAsync(expertId) is { } presence)
                foreach (var sessionId in presence.ActiveChats)
                    await notify.Visitor(sessionId).Resync(new(NodeLost));

        foreach (var sessionId in await connections.VisitorsGoneSinceAsync(now - o.VisitorReconnectGrace))
        {
            var s = await store.GetSessionAsync(sessionId);
            if (s is { State: ChatState.Queued }) await EndAsync(sessionId, Senders.System);
            else if (s is not { State: ChatState.Active }) await connections.ForgetAsync(sessionId);
        }
        // An active chat whose visitor stays away ends: nobody waits for a visitor who fled.
        foreach (var sessionId in await connections.VisitorsGoneSinceAsync(now - o.VisitorAbsentEnd))
            if (await store.GetSessionAsync(sessionId) is { State: ChatState.Active })
                await EndAsync(sessionId, Senders.System);

        // Experts gone longer than the grace: their chats go back to the front of the queue, they go off shift.
        foreach (var e in await store.GetPresencesAsync())
        {
            if (e.Connected || now - e.ChangedAt < o.ExpertReconnectGrace) continue;
            if (e.Availability == Availability.Offline && e.ActiveChats.Count == 0) continue;
            // Only if still gone since before the grace: a console that came back in between (on any node) keeps its shift.
            if ((await store.GoOfflineAsync(e.ExpertId, now, ifGoneBefore: now - o.ExpertReconnectGrace)).After is not { } off) continue;
            await shifts.OnShiftAsync(e.ExpertId, false, now);
            await RequeueChatsOfAsync(off, now);
        }

        await RouteAsync();
        await PublishQueueAsync();
        await shifts.TouchOpenAsync(now);
    }

    // ---- Helpers ------------------------------------------------------------------------------------

    private static ExpertInfo? ExpertOf(ChatSession s) =>
        s.ExpertDisplayName is null ? null : new ExpertInfo(s.ExpertDisplayName, s.ExpertExperience ?? "");

    private VisitorInfo VisitorInfoOf(ChatSession s) => new(s.Visitor.About, s.Visitor.PreferredExperience, s.Visitor.FollowUp,
        s.Visitor.Referral, s.Visitor.Language, (int)Math.Max(0, ((s.StartedAt ?? time.GetUtcNow()) - s.RequestedAt).TotalSeconds),
        s.Visitor.PreferredGender);

    private static string NewToken(int bytes) => Base64Url(RandomNumberGenerator.GetBytes(bytes));

    /// <summary>Only the hash of a resume token is stored, so no stored key can be used to take over a chat.</summary>
    public static string HashToken(string token) => Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Chat {SessionId} requested")]
        public static partial void ChatRequested(ILogger logger, string sessionId);

        [LoggerMessage(2, LogLevel.Information, "Chat {SessionId} assigned to expert {ExpertId} after {WaitedMs} ms")]
        public static partial void ChatAssigned(ILogger logger, string sessionId, string expertId, int waitedMs);

        [LoggerMessage(3, LogLevel.Information, "Chat {SessionId} ended by {EndedBy} (answered: {Answered})")]
        public static partial void ChatEnded(ILogger logger, string sessionId, string endedBy, bool answered);

        [LoggerMessage(4, LogLevel.Warning, "Chat {SessionId} put back in the queue: its expert lost the connection")]
        public static partial void ChatRequeued(ILogger logger, string sessionId);

        [LoggerMessage(7, LogLevel.Information, "Chat {SessionId} passed on by its expert; back at the front of the queue")]
        public static partial void ChatTransferred(ILogger logger, string sessionId);

        [LoggerMessage(5, LogLevel.Information, "Expert {ExpertId} is {Availability}")]
        public static partial void AvailabilityChanged(ILogger logger, string expertId, string availability);

        // No session id here: nothing in the log may join a chat to the block (and so to an address hash).
        [LoggerMessage(8, LogLevel.Information, "A chat ended with a block {BlockId} ({Reason})")]
        public static partial void VisitorBlocked(ILogger logger, string blockId, string reason);

        [LoggerMessage(6, LogLevel.Information, "Deleted the message logs of {Count} ended chats")]
        public static partial void Purged(ILogger logger, int count);
    }
}

/// <summary>Fixed reason codes of a refused <c>StartChat</c> (never built from input).</summary>
public static class Refusals
{
    public const string Limit = "limit";
    public const string Blocked = "blocked";
    public const string Busy = "busy";
}

/// <summary>Who an expert is, as the routing needs it (read from the account at connect).</summary>
public sealed record ExpertIdentity(string Id, string DisplayName, string Experience, int MaxChats, string Gender = "unspecified",
    IReadOnlyList<string>? Languages = null)
{
    public ExpertPresence Presence(string availability, bool connected, DateTimeOffset at) => new()
    {
        ExpertId = Id, DisplayName = DisplayName, Experience = Experience, MaxChats = MaxChats, Gender = Gender,
        Languages = Languages ?? ["nl"], Availability = availability, Connected = connected, ChangedAt = at,
    };
}
