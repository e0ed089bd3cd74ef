using Chat.Server.Live;
using Chat.Server.Roster;
using Chat.Server.Triage;
using Microsoft.Extensions.Options;

namespace Chat.Server.Conversations;

/// <summary>
/// The queue as each side is told it: positions and honest wait estimates (one value on every node: the chat lengths
/// are in the store), why a waiting visitor is not an expert's, whether the service is open, the coordinator's
/// overview. Reads only; every decision comes from <see cref="Matchmaking"/>.
/// </summary>
public sealed class QueueView(
    ILiveStore store,
    ChatNotifier notify,
    RosterCalendar roster,
    TimeProvider time,
    IOptionsMonitor<ChatOptions> options,
    IOptionsMonitor<RosterOptions> rosterOptions,
    IOptionsMonitor<TriageOptions> triageOptions)
{
    public MatchRules Rules => new(options.CurrentValue.PreferenceFallback, rosterOptions.CurrentValue.NoNewChatsBeforeShiftEnd,
        triageOptions.CurrentValue.MaxWaitBeforeFirst);

    /// <summary>The queue, the experts, the planned shift ends and the time: what the matching rules decide on.</summary>
    /// <param name="onlyIfSomeoneIsFree">Skip reading the queue (null) when no expert takes new chats: a routing pass has nothing to do.</param>
    public async Task<MatchSituation?> SituationAsync(bool onlyIfSomeoneIsFree)
    {
        var now = time.GetUtcNow();
        var m = new MatchSituation([], await store.GetPresencesAsync(), await roster.ShiftEndsAsync(now), now, Rules);
        if (onlyIfSomeoneIsFree && !m.Experts.Any(e => Matchmaking.TakesNewChats(e, m))) return null;
        // In the order the queue is served: a visitor in danger first. Positions and estimates follow it, so the wait a
        // visitor in danger sees counts only the visitors in danger before them.
        return m with { Queue = Matchmaking.Ordered(await store.GetQueueAsync()) };
    }

    public async Task<MatchSituation> SituationAsync() => (await SituationAsync(onlyIfSomeoneIsFree: false))!;

    /// <summary>Tells every waiting visitor their position and estimate, and every expert the queue summary of their projects.</summary>
    public async Task PublishAsync()
    {
        var m = await SituationAsync();
        var length = await TypicalChatLengthAsync();
        var positions = Positions(m.Queue);
        for (var i = 0; i < m.Queue.Count; i++)
            await notify.Visitor(m.Queue[i].SessionId).QueueUpdated(new(positions[i], Matchmaking.EstimateSeconds(m.Queue[i], positions[i], m, length),
                m.Queue[i].Urgent is not null));
        // One project (or every console serving every waiting visitor): one event for all. Otherwise each console hears
        // of its own projects' queue only (an accepted overflow is in both).
        var consoles = m.Experts.Where(e => e.Connected).ToList();
        var keys = consoles.Select(ProjectsKey).Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count <= 1 && m.Queue.All(q => consoles.All(e => Matchmaking.Serves(e, q))))
        {
            await notify.Experts.QueueChanged(Summary(m.Queue));
            return;
        }
        foreach (var group in consoles.GroupBy(ProjectsKey, StringComparer.Ordinal))
        {
            var summary = Summary(QueueOf(group.First(), m.Queue));
            foreach (var e in group) await notify.Expert(e.ExpertId).QueueChanged(summary);
        }
    }

    private static string ProjectsKey(ExpertPresence e) => string.Join(',', e.Projects.Order(StringComparer.Ordinal));

    /// <summary>The waiting visitors an expert may get: of their projects, or who said yes to one of them.</summary>
    private static IReadOnlyList<ChatSession> QueueOf(ExpertPresence e, IReadOnlyList<ChatSession> queue) =>
        queue.Where(s => Matchmaking.Serves(e, s)).ToList();

    /// <summary>
    /// Each waiting visitor's place (1-based) in the served order, counted in their own project's queue (the visitors before
    /// them whom the same experts serve). A visitor who said yes to a partner waits in both queues: the better place counts.
    /// </summary>
    public static int[] Positions(IReadOnlyList<ChatSession> ordered)
    {
        var before = new Dictionary<string, int>(StringComparer.Ordinal);
        var positions = new int[ordered.Count];
        for (var i = 0; i < ordered.Count; i++)
        {
            var s = ordered[i];
            var own = before.GetValueOrDefault(s.Project);
            positions[i] = 1 + (s.OverflowProject is { } o ? Math.Min(own, before.GetValueOrDefault(o)) : own);
            before[s.Project] = own + 1;
            if (s.OverflowProject is { } other && other != s.Project) before[other] = before.GetValueOrDefault(other) + 1;
        }
        return positions;
    }

    /// <summary>The queue as this expert sees it: can the waiting visitors be theirs, and if not, why and until when.</summary>
    public async Task<QueueStatus> StatusForAsync(string expertId)
    {
        var all = await SituationAsync();
        var me = all.Experts.FirstOrDefault(e => e.ExpertId == expertId);
        var m = all with { Queue = me is null ? [] : QueueOf(me, all.Queue) }; // no presence: no project, nobody of theirs waits
        var summary = Summary(m.Queue);
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
        return new QueueStatus(summary.Waiting, summary.LongestWaitSeconds, why, until, wish, summary.Danger);
    }

    /// <summary>The whole queue's summary (every project).</summary>
    public async Task<QueueChanged> SummaryAsync() => Summary(await store.GetQueueAsync());

    /// <summary>The queue summary an expert's console shows: the waiting visitors of the expert's projects.</summary>
    public async Task<QueueChanged> SummaryForAsync(string expertId)
    {
        var queue = await store.GetQueueAsync();
        var me = await store.GetPresenceAsync(expertId);
        return Summary(me is null ? [] : QueueOf(me, queue));
    }

    /// <summary>The live situation for the coordinator of these projects: who is on shift and how busy, the queue. No content.</summary>
    public async Task<LiveOverview> OverviewAsync(IReadOnlyList<string> projects)
    {
        var presences = await store.GetPresencesAsync();
        var mine = presences.Where(e => e.Projects.Any(p => projects.Contains(p, StringComparer.Ordinal))).ToList();
        var experts = mine.Where(e => e.OnShift)
            .OrderBy(e => e.DisplayName, StringComparer.CurrentCulture)
            .Select(e => new LiveExpert(e.DisplayName, e.Experience, e.Availability, e.Connected, e.ActiveChats.Count, e.MaxChats))
            .ToList();
        var queue = (await store.GetQueueAsync()).Where(s => s.ServedBy(projects)).ToList();
        return new LiveOverview(projects.Any(p => IsOpen(presences, p)), Summary(queue), experts);
    }

    /// <summary>Open: someone of the project is on shift with a console open or a chat running.</summary>
    public async Task<bool> IsOpenAsync(string project) => IsOpen(await store.GetPresencesAsync(), project);

    private static bool IsOpen(IEnumerable<ExpertPresence> experts, string project) =>
        experts.Any(e => e.OnShift && (e.Connected || e.ActiveChats.Count > 0) && e.Projects.Contains(project, StringComparer.Ordinal));

    /// <summary>For /api/status (polled by every widget): one read of the experts and the queue; the chat lengths only when open.</summary>
    public async Task<(bool Open, int Waiting, int? EstimatedWaitSeconds)> StatusAsync(string project = Storage.Projects.Default)
    {
        var m = await SituationAsync();
        var open = IsOpen(m.Experts, project);
        var waiting = m.Queue.Count(s => s.Project == project || s.OverflowProject == project);
        return (open, waiting, open ? Matchmaking.EstimateSeconds(null, waiting + 1, m, await TypicalChatLengthAsync(), project) : null);
    }

    /// <summary>A waiting visitor's place and estimate (0 and null once the chat is no longer waiting).</summary>
    public async Task<(int Position, int? Estimate)> PositionAsync(ChatSession s)
    {
        if (s.State != ChatState.Queued) return (0, null);
        var m = await SituationAsync();
        var index = m.Queue.ToList().FindIndex(q => q.SessionId == s.SessionId);
        var positions = Positions(m.Queue);
        var position = index < 0 ? positions.Length + 1 : positions[index];
        return (position, Matchmaking.EstimateSeconds(index < 0 ? s : m.Queue[index], position, m, await TypicalChatLengthAsync()));
    }

    /// <summary>The average of the last chats (every node the same), or Chat:TypicalChatLength until three have ended.</summary>
    private async Task<TimeSpan> TypicalChatLengthAsync()
    {
        var recent = await store.RecentChatLengthsAsync();
        return recent.Count < 3 ? options.CurrentValue.TypicalChatLength : TimeSpan.FromSeconds(recent.Average(t => t.TotalSeconds));
    }

    private QueueChanged Summary(IReadOnlyList<ChatSession> queue)
    {
        var longest = queue.Count == 0 ? 0 : (int)Math.Max(0, (time.GetUtcNow() - queue.Min(s => s.RequestedAt)).TotalSeconds);
        return new QueueChanged(queue.Count, longest, queue.Count(s => s.Urgent is not null));
    }
}
