using Chat.Server.Abuse;
using Chat.Server.Live;
using Chat.Server.Resources;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Server.Conversations;

/// <summary>
/// The anonymous visitor's hub. A connection is bound to one chat session (by StartChat or Resume) and only
/// ever acts on that session: the session id lives in <c>Context.Items</c>, never in the caller's arguments.
/// </summary>
public sealed class VisitorHub(ChatLifecycle lifecycle, ChatMessaging messaging, Presence presence, ILiveStore store, IOptionsMonitor<ChatOptions> options, InvocationTurn turn,
    RefusalLog refusals, Wellbeing.Feedback feedback, Operations.ChatMetrics metrics, Overflow overflow)
    : Hub<IVisitorClient>
{
    public const string Path = "/hubs/visitor";

    /// <summary>A request to this hub (its WebSocket, or its negotiate).</summary>
    public static bool IsRequest(HttpContext http) => http.Request.Path.StartsWithSegments(Path);

    private const string SessionKey = "sessionId";
    private const string BoundKey = "session";
    private const string ClosedCountedKey = "closed-counted";
    private const string EndedKey = "ended-session";
    private const string ClosedStartKey = "closed-start";

    /// <summary>The project asked for (null or empty: the installation's first, "default"); unknown: a clear refusal.</summary>
    private async Task<string> ProjectAsync(string? slug)
    {
        var directory = Context.GetHttpContext()!.RequestServices.GetRequiredService<Tenancy.ProjectDirectory>();
        var project = await directory.FindAsync(string.IsNullOrEmpty(slug) ? Storage.Projects.Default : slug);
        return project?.Slug ?? throw new HubException(HubTextResources.UnknownProject);
    }

    public async Task<StartChatResult> StartChat(StartChatRequest? request)
    {
        if (await BoundSessionAsync() is { State: not ChatState.Ended })
            throw new HubException(HubTextResources.AlreadyInChat);
        // A follow-up code (mailbox): a known one makes the chat a follow-up ("vervolggesprek" on the form); an unknown,
        // mistyped or over-limit one is treated as no code.
        (string ThreadId, string? ExpertId)? followUp = request?.Code is { Length: > 0 } code
            ? await Context.GetHttpContext()!.RequestServices.GetRequiredService<Mailbox.MailboxFollowUps>()
                .FindByCodeAsync(code, Context.GetHttpContext().ClientAddress())
            : null;
        if (followUp is not null) request = request! with { FollowUp = true };
        var profile = ChatValidation.Profile(request);
        // The same expert as last time, with the usual fallback (Matchmaking.Suits); their own note shows to them only.
        if (followUp is { } f) profile = profile with { PreferredExpertId = f.ExpertId, FollowUpThreadId = f.ThreadId };
        var project = await ProjectAsync(request?.Project);
        var firstWhileClosed = !Context.Items.ContainsKey(ClosedCountedKey);
        var result = await lifecycle.StartAsync(profile, Context.GetHttpContext().ClientAddress(), BindAsync, firstWhileClosed, project, overflow: overflow);
        if (result.Status == "closed")
        {
            Context.Items[ClosedCountedKey] = true;
            Context.Items[ClosedStartKey] = (profile, project); // a yes to the partner offered starts this request there
        }
        metrics.RequestOutcome(result.Status is "closed" or "refused" ? result.Status : Operations.ChatMetrics.Outcomes.Queued);
        if (result.Reason is { } reason) refusals.Refused(Context.ConnectionId, reason, "VisitorHub.StartChat");
        return result;
    }

    /// <summary>
    /// The visitor says yes to a partner project (overflow), offered with a closed answer or by <c>OverflowOffered</c> while
    /// waiting. Waiting: they wait in both queues from now on, keeping their place. Closed: the chat starts, served by the
    /// partner. The partner must name the visitor's project back and be open; otherwise a clear refusal and nothing changes.
    /// </summary>
    public async Task<StartChatResult> AcceptOverflow(string? project)
    {
        if (await BoundSessionAsync() is { State: not ChatState.Ended } session)
        {
            // Only what was offered to this visitor (nothing offered, nothing to say yes to: their place stays as it was).
            if (session.State != ChatState.Queued || await overflow.AcceptableAsync(session.Project, project) is not { } partner
                || !await overflow.WasOfferedAsync(session.SessionId, partner.Slug))
                throw new HubException(HubTextResources.OverflowNotPossible);
            // The partner's blocks apply from the yes (the visitor keeps their place here).
            var services = Context.GetHttpContext()!.RequestServices;
            if (Context.GetHttpContext().ClientAddress() is { } address && await services.GetRequiredService<IAbuseStore>()
                    .IsBlockedAsync(address.AllHashes, services.GetRequiredService<TimeProvider>().GetUtcNow(), [partner.Slug]))
                throw new HubException(HubTextResources.OverflowNotPossible);
            var changed = await store.TryAddOverflowAsync(session.SessionId, partner.Slug) ?? throw new HubException(HubTextResources.OverflowNotPossible);
            Context.Items[BoundKey] = changed;
            await Context.GetHttpContext()!.RequestServices.GetRequiredService<ChatRouter>().AfterChangeAsync();
            var now = await store.GetSessionAsync(session.SessionId) ?? changed;
            var (position, estimate) = await Context.GetHttpContext()!.RequestServices.GetRequiredService<QueueView>().PositionAsync(now);
            return new StartChatResult(session.SessionId, null, SessionViews.StatusOf(now), now.State == ChatState.Queued ? position : null, estimate);
        }
        // After a closed answer: the partner as the offer has it now (someone free there), as the closed answer and the
        // status's offer name it; none free, nothing to say yes to.
        if (Context.Items.TryGetValue(ClosedStartKey, out var c) && c is (VisitorProfile profile, string own)
            && await overflow.AcceptableAsync(own, project) is { } open && await overflow.OffersNowAsync(own, open.Slug))
        {
            Context.Items.Remove(ClosedStartKey);
            var result = await lifecycle.StartAsync(profile, Context.GetHttpContext().ClientAddress(), BindAsync, false, own, open.Slug);
            metrics.RequestOutcome(result.Status is "closed" or "refused" ? result.Status : Operations.ChatMetrics.Outcomes.Queued);
            if (result.Reason is { } reason) refusals.Refused(Context.ConnectionId, reason, "VisitorHub.AcceptOverflow");
            return result;
        }
        throw new HubException(HubTextResources.OverflowNotPossible);
    }

    public async Task<ResumeResult> Resume(string? resumeToken, long lastSeenSeq)
    {
        if (string.IsNullOrWhiteSpace(resumeToken) || resumeToken.Length > 128)
            throw new HubException(HubTextResources.ResumeTokenMissing);
        if (lastSeenSeq < 0) throw new HubException(HubTextResources.LastSeenSeqNegative);
        var (result, session) = await lifecycle.ResumeAsync(resumeToken, lastSeenSeq);
        if (session is not null && session.State != ChatState.Ended) await BindAsync(session);
        // A chat that ended while the page was away can still be given feedback from this connection.
        else if (session is not null) Context.Items[EndedKey] = session;
        return result;
    }

    public async Task<SendResult> SendMessage(string? clientMessageId, string? text)
    {
        ChatValidation.Message(clientMessageId, text, options.CurrentValue.MaxMessageLength);
        // The ids bound to this connection are enough: the append itself checks, atomically, that the chat has not
        // ended (one round trip to the store per message in Redis mode, not two).
        if (Context.Items.TryGetValue(BoundKey, out var bound) && bound is ChatSession session)
            return await messaging.VisitorSendAsync(session, clientMessageId!, text!, turn.End);
        throw new HubException(HubTextResources.NoChat);
    }

    public async Task Typing(bool isTyping)
    {
        if (await BoundSessionAsync() is { } session) await messaging.VisitorTypingAsync(session, isTyping);
    }

    public async Task LeaveChat()
    {
        if (Context.Items.TryGetValue(SessionKey, out var id) && id is string sessionId)
            await lifecycle.LeaveAsync(sessionId);
    }

    /// <summary>After the chat ended: a mark 1..10 and "did it help", both optional; once per chat, within the grace period.</summary>
    public async Task GiveFeedback(FeedbackRequest? request)
    {
        var session = Context.Items.TryGetValue(BoundKey, out var b) && b is ChatSession bound ? bound
            : Context.Items.TryGetValue(EndedKey, out var e) && e is ChatSession ended ? ended : null;
        await feedback.GiveAsync(session, request);
    }

    /// <summary>After a chat with an expert: a mailbox code to come back to (once per chat, within the grace period).</summary>
    public async Task<FollowUpCode> RequestFollowUpCode([FromServices] Mailbox.MailboxFollowUps followUps)
    {
        var session = Context.Items.TryGetValue(BoundKey, out var b) && b is ChatSession bound ? bound
            : Context.Items.TryGetValue(EndedKey, out var e) && e is ChatSession ended ? ended : null;
        // The bound copy may be from before the end: read the session as it is now.
        if (session is not null) session = await store.GetSessionAsync(session.SessionId) ?? session;
        return new FollowUpCode(await followUps.IssueAsync(session));
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(SessionKey, out var id) && id is string sessionId)
            await presence.VisitorDisconnectedAsync(sessionId);
        await base.OnDisconnectedAsync(exception);
    }

    private async Task BindAsync(ChatSession session)
    {
        if (Context.Items.TryGetValue(SessionKey, out var old) && old is string oldId && oldId != session.SessionId)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, ChatNotifier.VisitorGroup(oldId));
            await presence.VisitorDisconnectedAsync(oldId);
        }
        else if (old is string same && same == session.SessionId)
        {
            return;
        }
        Context.Items[SessionKey] = session.SessionId;
        Context.Items[BoundKey] = session;
        await Groups.AddToGroupAsync(Context.ConnectionId, ChatNotifier.VisitorGroup(session.SessionId));
        await presence.VisitorConnectedAsync(session);
    }

    private async Task<ChatSession?> BoundSessionAsync() =>
        Context.Items.TryGetValue(SessionKey, out var id) && id is string sessionId ? await store.GetSessionAsync(sessionId) : null;
}
