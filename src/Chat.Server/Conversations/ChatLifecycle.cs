using Chat.Server.Abuse;
using Chat.Server.ContactForms;
using Chat.Server.Live;
using Chat.Server.Statistics;
using Microsoft.Extensions.Options;

namespace Chat.Server.Conversations;

/// <summary>
/// A chat from request to end: start (admission and queue), resume, leave, end, block, transfer, and back to the queue
/// when the expert is lost. Each change is one atomic store operation; this class decides what each side is told and
/// what is counted, and hands the routing back to <see cref="ChatRouter"/>.
/// </summary>
public sealed partial class ChatLifecycle(
    ILiveStore store,
    ChatRouter router,
    QueueView queue,
    ChatNotifier notify,
    IConnectionTracker connections,
    ContactDrafts drafts,
    QueueCounters counters,
    IAbuseStore abuse,
    TimeProvider time,
    IOptionsMonitor<ChatOptions> options,
    IOptionsMonitor<AbuseOptions> abuseOptions,
    ILogger<ChatLifecycle> logger)
{
    /// <param name="address">The caller's address hash (null: none known, e.g. a call from inside the server).</param>
    /// <param name="bind">Joins the caller's connection to the session before routing, so it hears ChatStarted.</param>
    /// <param name="firstWhileClosed">Whether this is the visitor session's (connection's) first request while closed.</param>
    /// <param name="project">The project whose widget the visitor opened (known: the hub checked it).</param>
    /// <param name="overflowProject">The partner project the visitor said yes to while their own was closed (checked by the hub:
    /// a mutual partner that is open), or null.</param>
    /// <param name="overflow">Offers a partner project with someone free when the project is closed.</param>
    public async Task<StartChatResult> StartAsync(VisitorProfile profile, ClientAddress? address, Func<ChatSession, Task> bind,
        bool firstWhileClosed = true, string project = Storage.Projects.Default, string? overflowProject = null, Overflow? overflow = null)
    {
        var now = time.GetUtcNow();
        var a = abuseOptions.CurrentValue;
        if (overflowProject is null && !await queue.IsOpenAsync(project))
        {
            // A request while closed counts once per visitor session, and one address adds at most
            // Abuse:ChatsPerAddressPerHour an hour: a visitor (or a script) asking again and again does not inflate the
            // funders' "requests while closed", while several people behind one address (a shelter's Wi-Fi) still count.
            if (firstWhileClosed && (address is null || await abuse.CountInWindowAsync("closed:" + address.Hash, TimeSpan.FromHours(1), now)
                    <= a.ChatsPerAddressPerHour))
                await counters.RequestAsync(now, open: false, project);
            return new StartChatResult(null, null, "closed", null, null, Overflow: overflow is null ? null : await overflow.OfferAsync(project));
        }
        // Blocks are per project: the visitor's own, and the partner's from their yes to it.
        if (address is not null && await abuse.IsBlockedAsync(address.AllHashes, now,
                overflowProject is null ? [project] : [project, overflowProject]))
            return StartChatResult.Refused(Refusals.Blocked);

        var (token, tokenHash) = ResumeTokens.Issue();
        var session = new ChatSession
        {
            SessionId = ResumeTokens.RandomId(12),
            ConversationId = ResumeTokens.RandomId(12),
            ResumeTokenHash = tokenHash,
            Visitor = profile,
            RequestedAt = now,
            AddressHash = address?.Hash,
            // In danger now: the first tier, unless another open chat of this address is urgent already (the store decides,
            // atomically with the add).
            Urgent = profile.InDanger == true ? Urgency.Answer : null,
            Project = project,
            OverflowProject = overflowProject,
        };
        // Checked atomically with the add: a flood of simultaneous starts from one address gets no more than its share,
        // and nobody is put in front of a visitor already waiting (the queue is ordered by request time).
        var admission = await store.AddQueuedAsync(session, new QueueLimits(a.MaxQueue, a.MaxOpenChatsPerAddress, a.ChatsPerAddressPerHour));
        if (admission != QueueAdmission.Added)
            return StartChatResult.Refused(admission == QueueAdmission.QueueFull ? Refusals.Busy : Refusals.Limit);
        Log.ChatRequested(logger, session.SessionId);
        await counters.RequestAsync(now, open: true, project);
        await bind(session);
        await router.AfterChangeAsync();

        var current = await store.GetSessionAsync(session.SessionId) ?? session;
        var (position, estimate) = await queue.PositionAsync(current);
        return new StartChatResult(session.SessionId, token, SessionViews.StatusOf(current), current.State == ChatState.Queued ? position : null, estimate);
    }

    /// <summary>The state of the chat (not only its messages): where the visitor is now, and what they missed after <paramref name="lastSeenSeq"/>.</summary>
    public async Task<(ResumeResult Result, ChatSession? Session)> ResumeAsync(string resumeToken, long lastSeenSeq)
    {
        var session = await store.FindByResumeTokenHashAsync(ResumeTokens.Hash(resumeToken));
        // After LeaveChat or a quick exit the token is dead: whoever uses the device next reads nothing back.
        if (session is null or { State: ChatState.Ended, EndedBy: Senders.Visitor })
            return (new ResumeResult("ended", null, null, null, null, []), null);
        var messages = (await store.GetMessagesAsync(session.ConversationId, lastSeenSeq))
            .Select(m => MessageDto.Of(session.ConversationId, m)).ToList();
        var (position, estimate) = await queue.PositionAsync(session);
        return (new ResumeResult(SessionViews.StatusOf(session), position, estimate, session.ConversationId, SessionViews.ExpertOf(session), messages,
            session.State == ChatState.Ended ? session.EndedBy : null, session.State != ChatState.Ended && session.Urgent is not null), session);
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
        var hash = ResumeTokens.Hash(resumeToken);
        if (await store.FindByResumeTokenHashAsync(hash) is { } s) await EndAsync(s.SessionId, Senders.Visitor);
        await store.ForgetResumeTokenAsync(hash);
    }

    public Task EndByExpertAsync(ChatSession session) => EndAsync(session.SessionId, Senders.Expert, onlyIfWith: session.ExpertId);

    /// <summary>
    /// The expert stops an abusive, threatening or prank visitor: the chat ends as EndChat ends it, and the visitor's
    /// address (its hash) cannot start a chat in the expert's project for <see cref="AbuseOptions.BlockDuration"/>, on every
    /// node (nor reach it by overflow). No contact
    /// form is asked for; the statistics count the chat as blocked.
    /// </summary>
    public async Task<BlockResult> BlockAsync(ChatSession session, ExpertIdentity expert, string reason)
    {
        var now = time.GetUtcNow();
        var project = session.ProjectOfExpert(expert.Projects);
        var block = new Block(ResumeTokens.RandomId(9), session.AddressHash ?? "", now, now + abuseOptions.CurrentValue.BlockDuration, reason, expert.DisplayName,
            project);
        // The block first: the visitor learns of the end at once and must not be able to start again in between.
        if (session.AddressHash is not null) await abuse.AddBlockAsync(block);
        Log.VisitorBlocked(logger, block.Id, reason);
        // The same address's other requests still waiting (a prank script's) leave the queue with it, first (ending the
        // blocked chat frees the expert, who would get the next of them); chats already running with a colleague go on
        // (the same address can be a household or a shelter's Wi-Fi).
        // A request that only said yes to this project keeps its place in its own, without the yes.
        if (session.AddressHash is { } address)
            foreach (var queued in (await store.GetQueueAsync()).Where(q => q.AddressHash == address))
            {
                if (queued.Project == project) await EndAsync(queued.SessionId, Senders.System);
                else if (queued.OverflowProject == project) await store.TryAddOverflowAsync(queued.SessionId, null);
            }
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
        await router.AfterChangeAsync();
    }

    /// <summary>An expert who is gone (disabled, or away longer than the grace): their chats go to the front of the queue with their history.</summary>
    /// <remarks>The caller routes and publishes once afterwards.</remarks>
    public async Task RequeueChatsOfAsync(ExpertPresence e, DateTimeOffset now)
    {
        foreach (var sessionId in e.ActiveChats)
        {
            var requeued = await store.TryRequeueAsync(sessionId, onlyIfWith: e.ExpertId);
            if (requeued is null) continue;
            Log.ChatRequeued(logger, sessionId);
            await BackInQueueAsync(requeued, "expert-lost", VisitorTexts.ExpertLost(requeued.Visitor.Language), now);
        }
    }

    private async Task BackInQueueAsync(ChatSession s, string reason, string text, DateTimeOffset now)
    {
        var appended = await store.AppendAsync(s.ConversationId, Senders.System, $"{reason}-{now.ToUnixTimeMilliseconds()}", text, now);
        await notify.Visitor(s.SessionId).MessageReceived(MessageDto.Of(s.ConversationId, appended.Message));
        await notify.Visitor(s.SessionId).BackInQueue(new(s.ConversationId, reason));
    }

    /// <summary>Ends the chat if it has not ended (one atomic store change), tells both sides, keeps the contact-form draft.</summary>
    /// <param name="onlyIfWith">An expert's end: only while the chat is still theirs (checked atomically by the store).</param>
    public async Task EndAsync(string sessionId, string endedBy, bool blocked = false, string? onlyIfWith = null)
    {
        var now = time.GetUtcNow();
        var o = options.CurrentValue;
        var coolDown = o.CoolDown;
        var ended = await store.TryEndAsync(sessionId, endedBy, now, o.GracePeriod, coolDown, onlyIfWith);
        if (ended is null) return;
        await connections.ForgetAsync(sessionId);
        Log.ChatEnded(logger, ended.SessionId, endedBy, ended.ExpertId is not null);
        if (ended.StartedAt is null && !ended.Requeued)
        {
            await Task.WhenAll(counters.AbandonedAsync(now, ended.Project),
                counters.WaitEndedAsync(now, Matchmaking.Tier(ended, now, queue.Rules), null, ended.Project));
        }

        if (blocked) await counters.BlockedAsync(now, ended.Project);
        if (ended.ExpertId is not null && ended.StartedAt is { } started)
        {
            await store.RecordChatLengthAsync(now - started);
            var duration = (int)Math.Max(0, (now - started).TotalSeconds);
            DateTimeOffset? coolDownUntil = coolDown > TimeSpan.Zero ? now + coolDown : null;
            if (blocked)
            {
                // A blocked chat needs no contact form: none is asked for, none counts as missing.
                await notify.Expert(ended.ExpertId).ChatEnded(new(ended.ConversationId, endedBy, duration, null, Blocked: true,
                    CoolDownUntil: coolDownUntil));
            }
            else
            {
                var prefill = ContactDrafts.Prefill(ended, now, await store.GetMessagesAsync(ended.ConversationId, 0),
                    Matchmaking.UrgentReason(ended, started, queue.Rules));
                // The form belongs to the project whose expert took the chat: the visitor's own, or the partner they said yes to.
                var formProject = ended.ProjectOfExpert((await store.GetPresenceAsync(ended.ExpertId))?.Projects);
                await drafts.SaveAsync(ended.ExpertId, prefill, now, formProject);
                await notify.Expert(ended.ExpertId).ChatEnded(new(ended.ConversationId, endedBy, duration, prefill, CoolDownUntil: coolDownUntil));
            }
        }
        await notify.Visitor(ended.SessionId).ChatEnded(new(ended.ConversationId, endedBy));
        await router.AfterChangeAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Chat {SessionId} requested")]
        public static partial void ChatRequested(ILogger logger, string sessionId);

        [LoggerMessage(3, LogLevel.Information, "Chat {SessionId} ended by {EndedBy} (answered: {Answered})")]
        public static partial void ChatEnded(ILogger logger, string sessionId, string endedBy, bool answered);

        [LoggerMessage(4, LogLevel.Warning, "Chat {SessionId} put back in the queue: its expert lost the connection")]
        public static partial void ChatRequeued(ILogger logger, string sessionId);

        [LoggerMessage(7, LogLevel.Information, "Chat {SessionId} passed on by its expert; back at the front of the queue")]
        public static partial void ChatTransferred(ILogger logger, string sessionId);

        // No session id here: nothing in the log may join a chat to the block (and so to an address hash).
        [LoggerMessage(8, LogLevel.Information, "A chat ended with a block {BlockId} ({Reason})")]
        public static partial void VisitorBlocked(ILogger logger, string blockId, string reason);
    }
}

/// <summary>Fixed reason codes of a refused <c>StartChat</c> (never built from input).</summary>
public static class Refusals
{
    public const string Limit = "limit";
    public const string Blocked = "blocked";
    public const string Busy = "busy";
}
