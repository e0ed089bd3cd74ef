using Chat.Server.Live;
using Chat.Server.Statistics;

namespace Chat.Server.Conversations;

/// <summary>
/// The routing pass: assigns waiting visitors to experts, each pair chosen by <see cref="Matchmaking.Next"/> and made
/// atomically by the store, and tells both sides. Every change that can free an expert or add a visitor ends with
/// <see cref="AfterChangeAsync"/>.
/// </summary>
public sealed partial class ChatRouter(
    ILiveStore store,
    QueueView queue,
    ChatNotifier notify,
    QueueCounters counters,
    TimeProvider time,
    Operations.ChatMetrics metrics,
    Mailbox.MailboxFollowUps followUps,
    Tenancy.ProjectDirectory projects,
    ILogger<ChatRouter> logger)
{
    // Routing runs one pass at a time on this node: a pass reads the queue and the experts and assigns in order.
    // Correctness across passes does not depend on this gate (TryAssign is atomic); it only avoids wasted work.
    private readonly SemaphoreSlim _routeGate = new(1, 1);

    /// <summary>Routes, then tells everyone waiting their new place and the experts the queue.</summary>
    public async Task AfterChangeAsync()
    {
        await RouteAsync();
        await queue.PublishAsync();
    }

    /// <summary>Routes, and publishes the queue only if someone was assigned (a change that did not touch the queue).</summary>
    public async Task RouteAndPublishIfAssignedAsync()
    {
        if (await RouteAsync()) await queue.PublishAsync();
    }

    /// <summary>
    /// Assigns waiting visitors to experts until no pair is left. Runs on every change (join, leave, availability, end)
    /// and on each sweep (for the preference fallback, the end of a cool-down). Returns whether anyone was assigned;
    /// the caller publishes the queue once, after its own change.
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
                if (await queue.SituationAsync(onlyIfSomeoneIsFree: true) is not { } m || Matchmaking.Next(m) is not var (visitor, expert)) break;
                var assigning = System.Diagnostics.Stopwatch.GetTimestamp();
                var outcome = await store.TryAssignAsync(visitor.SessionId, expert.ExpertId, m.Now);
                if (outcome != AssignOutcome.Assigned) continue; // someone else changed it: read again
                changed = true;
                var assigned = await store.GetSessionAsync(visitor.SessionId);
                if (assigned is not null) await AnnounceAsync(assigned, fallback: !Matchmaking.MeetsPreferences(expert, visitor.Visitor));
                metrics.AssignmentTook(System.Diagnostics.Stopwatch.GetElapsedTime(assigning));
            }
        }
        finally
        {
            _routeGate.Release();
        }
        return changed;
    }

    /// <summary>
    /// Expert hub <c>TakeUrgent</c>: an expert in a cool-down, a pause or the last minutes of a shift chooses to take the
    /// visitor in danger who waited longest. Atomic in the store (two experts clicking at once: one gets the chat, the
    /// other null). Null also when no visitor in danger waits. Throws when the expert cannot take a chat at all.
    /// </summary>
    public async Task<ChatSession?> TakeUrgentAsync(string expertId)
    {
        var m = await queue.SituationAsync();
        var me = m.Experts.FirstOrDefault(e => e.ExpertId == expertId);
        if (me is null || !Matchmaking.MayTakeUrgent(me)) throw new ChatRefusal("not-on-shift", Resources.HubTextResources.TakeUrgentNotOnShift);
        // Not a visitor this expert passed on a moment ago (as in the routing: Matchmaking.Suits).
        foreach (var visitor in m.Queue.Where(s => Matchmaking.Tier(s, m.Now, m.Rules) == Tiers.Danger && Matchmaking.Serves(me, s)
                     && !(s.TransferredFrom == expertId && m.Now - s.TransferredAt < m.Rules.PreferenceFallback)))
        {
            var assigning = System.Diagnostics.Stopwatch.GetTimestamp();
            var outcome = await store.TryAssignAsync(visitor.SessionId, expertId, m.Now, takeUrgent: true);
            // The expert changed meanwhile (full, offline, gone): say so, not "a colleague was faster".
            if (outcome == AssignOutcome.ExpertUnavailable)
                throw new ChatRefusal("not-on-shift", Resources.HubTextResources.TakeUrgentNotOnShift);
            if (outcome != AssignOutcome.Assigned) continue; // taken by someone else: the next visitor in danger
            var assigned = await store.GetSessionAsync(visitor.SessionId);
            if (assigned is not null) await AnnounceAsync(assigned, fallback: !Matchmaking.MeetsPreferences(me, visitor.Visitor));
            metrics.AssignmentTook(System.Diagnostics.Stopwatch.GetElapsedTime(assigning));
            await queue.PublishAsync();
            return assigned;
        }
        return null;
    }

    /// <param name="fallback">The expert is not what the visitor asked for (the preferences gave way): the visitor is told so.</param>
    private async Task AnnounceAsync(ChatSession s, bool fallback)
    {
        Log.ChatAssigned(logger, s.SessionId, s.ExpertId!, (int)(s.StartedAt!.Value - s.RequestedAt).TotalMilliseconds);
        // In the expert's project (an overflow's expert works for the partner), as the contact form is. Only a chat with a
        // yes to a partner needs the expert's projects: no extra read on the assignment path otherwise.
        var expertProjects = s.OverflowProject is null ? null : (await store.GetPresenceAsync(s.ExpertId!))?.Projects;
        // The figures of one assignment together: the counters' writer commits them in one transaction.
        var counted = new List<Task> { counters.TakenAsync(time.GetUtcNow(), s.ExpertId!, s.ProjectOfExpert(expertProjects)) };
        if (!s.Requeued)
        {
            var waited = s.StartedAt.Value - s.RequestedAt;
            var tier = Matchmaking.Tier(s, s.StartedAt.Value, queue.Rules);
            metrics.Assigned(waited, tier);
            counted.Add(counters.AnsweredAsync(s.StartedAt.Value, waited, s.Project));
            counted.Add(counters.WaitEndedAsync(s.StartedAt.Value, tier, waited, s.Project));
            // Taken by a partner's expert after the visitor's yes: out of the visitor's project, into the expert's.
            if (s.OverflowProject is { } partner && expertProjects is { } projects && !projects.Contains(s.Project, StringComparer.Ordinal))
                counted.Add(counters.OverflowAsync(s.StartedAt.Value, s.Project, partner));
        }
        await Task.WhenAll(counted);
        var note = fallback
            ? await store.AppendAsync(s.ConversationId, Senders.System, "preference-fallback-" + s.StartedAt.Value.ToUnixTimeMilliseconds(),
                VisitorTexts.PreferenceFallback(s.Visitor.Language, s.ExpertDisplayName ?? ""), s.StartedAt.Value)
            : null;
        var messages = (await store.GetMessagesAsync(s.ConversationId, 0)).Select(m => MessageDto.Of(s.ConversationId, m)).ToList();
        var visitor = await SessionViews.VisitorInfoOf(s, time.GetUtcNow(), queue.Rules).WithNoteAsync(s, followUps).WithProjectAsync(s, projects);
        await notify.Expert(s.ExpertId!).ChatAssigned(new(s.ConversationId, visitor, s.StartedAt.Value, messages));
        await notify.Visitor(s.SessionId).ChatStarted(new(s.ConversationId, SessionViews.ExpertOf(s)!));
        if (note is not null) await notify.Visitor(s.SessionId).MessageReceived(MessageDto.Of(s.ConversationId, note.Message));
    }

    private static partial class Log
    {
        [LoggerMessage(2, LogLevel.Information, "Chat {SessionId} assigned to expert {ExpertId} after {WaitedMs} ms")]
        public static partial void ChatAssigned(ILogger logger, string sessionId, string expertId, int waitedMs);
    }
}
