using Chat.Server.Live;
using Chat.Server.Roster;

namespace Chat.Server.Conversations;

/// <summary>
/// Who is here: experts' consoles connecting and dropping, availability, going off shift, the pause after a chat; and a
/// visitor's connection as the expert sees it. Each change is one intent-named atomic store operation (never read,
/// change, write back), so consoles on two nodes cannot overwrite each other.
/// </summary>
public sealed partial class Presence(
    Mailbox.MailboxFollowUps followUps,
    Tenancy.ProjectDirectory projects,
    ILiveStore store,
    ChatRouter router,
    ChatLifecycle lifecycle,
    QueueView queue,
    ChatNotifier notify,
    IConnectionTracker connections,
    ShiftLog shifts,
    TimeProvider time,
    ILogger<Presence> logger)
{
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

    public async Task ExpertConnectedAsync(ExpertIdentity expert)
    {
        await connections.ExpertConnectedAsync(expert.Id);
        var now = time.GetUtcNow();
        var (before, after) = await store.ConnectExpertAsync(expert.Presence(Availability.Offline, connected: true, now), now);
        if (before is { Connected: false } && after is not null)
        {
            await TellVisitorsOfAsync(after, connected: true);
            await router.RouteAndPublishIfAssignedAsync();
        }
    }

    public async Task ExpertDisconnectedAsync(string expertId)
    {
        if (!await connections.ExpertDisconnectedAsync(expertId)) return;
        // No new chats while no console is open; the sweeper hands their chats on after the reconnect grace.
        if ((await store.DisconnectExpertAsync(expertId, time.GetUtcNow())).After is not { } gone) return;
        await TellVisitorsOfAsync(gone, connected: false);
        connections.RaiseExpertGone(expertId);
        await queue.PublishAsync();
    }

    /// <summary>The visitors of an expert's chats hear that the expert's connection dropped or came back.</summary>
    private async Task TellVisitorsOfAsync(ExpertPresence expert, bool connected)
    {
        foreach (var sessionId in expert.ActiveChats)
            if (await store.GetSessionAsync(sessionId) is { State: ChatState.Active } s)
                await notify.Visitor(sessionId).ExpertConnectionChanged(new(s.ConversationId, connected));
    }

    public async Task<string> SetAvailabilityAsync(ExpertIdentity expert, string availability)
    {
        var now = time.GetUtcNow();
        await store.SetAvailabilityAsync(expert.Presence(availability, connected: true, now), availability, now);
        Log.AvailabilityChanged(logger, expert.Id, availability);
        await shifts.OnShiftAsync(expert.Id, availability != Availability.Offline, now);
        await notify.Expert(expert.Id).AvailabilityChanged(new(availability));
        await router.AfterChangeAsync();
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
        await lifecycle.RequeueChatsOfAsync(e, now);
        await router.AfterChangeAsync();
    }

    /// <summary>
    /// Experts away longer than the grace go off shift and their chats go to the front of the queue: only if still gone
    /// since before the grace (a console that came back in between, on any node, keeps its shift).
    /// </summary>
    /// <remarks>The caller (the sweeper) routes and publishes once afterwards.</remarks>
    public async Task TakeOffShiftIfGoneAsync(TimeSpan grace)
    {
        var now = time.GetUtcNow();
        foreach (var e in await store.GetPresencesAsync())
        {
            if (e.Connected || now - e.ChangedAt < grace) continue;
            if (e.Availability == Availability.Offline && e.ActiveChats.Count == 0) continue;
            if ((await store.GoOfflineAsync(e.ExpertId, now, ifGoneBefore: now - grace)).After is not { } off) continue;
            await shifts.OnShiftAsync(e.ExpertId, false, now);
            await lifecycle.RequeueChatsOfAsync(off, now);
        }
    }

    /// <summary>Everything the console shows, read from the store: a reconnecting console reads its state, not only messages.</summary>
    public async Task<ExpertState> GetStateAsync(string expertId, IReadOnlyList<ContactPrefill> pendingForms)
    {
        var presence = await store.GetPresenceAsync(expertId);
        var conversations = new List<ExpertConversation>();
        foreach (var sessionId in presence?.ActiveChats ?? [])
        {
            var s = await store.GetSessionAsync(sessionId);
            if (s is not { State: ChatState.Active }) continue;
            var messages = (await store.GetMessagesAsync(s.ConversationId, 0)).Select(m => MessageDto.Of(s.ConversationId, m)).ToList();
            var visitor = await SessionViews.VisitorInfoOf(s, time.GetUtcNow(), queue.Rules).WithNoteAsync(s, followUps).WithProjectAsync(s, projects);
            conversations.Add(new ExpertConversation(s.ConversationId, visitor, s.StartedAt!.Value,
                await connections.IsVisitorConnectedAsync(s.SessionId), messages));
        }
        var coolDown = presence?.CoolingDownAt(time.GetUtcNow()) == true ? presence.CoolDownUntil : null;
        return new ExpertState(presence?.Availability ?? Availability.Offline, conversations, await queue.SummaryForAsync(expertId), pendingForms, coolDown);
    }

    /// <summary>"Ik ben er klaar voor": the expert ends the pause after a chat early and can be given the next visitor.</summary>
    public async Task EndCoolDownAsync(string expertId)
    {
        await store.EndCoolDownAsync(expertId);
        await router.RouteAndPublishIfAssignedAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(5, LogLevel.Information, "Expert {ExpertId} is {Availability}")]
        public static partial void AvailabilityChanged(ILogger logger, string expertId, string availability);
    }
}
