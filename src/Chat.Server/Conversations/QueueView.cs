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

    /// <summary>Tells every waiting visitor their position and estimate, and every expert the queue summary.</summary>
    public async Task PublishAsync()
    {
        var m = await SituationAsync();
        var length = await TypicalChatLengthAsync();
        for (var i = 0; i < m.Queue.Count; i++)
            await notify.Visitor(m.Queue[i].SessionId).QueueUpdated(new(i + 1, Matchmaking.EstimateSeconds(m.Queue[i], i + 1, m, length),
                m.Queue[i].Urgent is not null));
        await notify.Experts.QueueChanged(Summary(m.Queue));
    }

    /// <summary>The queue as this expert sees it: can the waiting visitors be theirs, and if not, why and until when.</summary>
    public async Task<QueueStatus> StatusForAsync(string expertId)
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
        return new QueueStatus(summary.Waiting, summary.LongestWaitSeconds, why, until, wish, summary.Danger);
    }

    public async Task<QueueChanged> SummaryAsync() => Summary(await store.GetQueueAsync());

    /// <summary>The live situation for the coordinator: who is on shift and how busy, the queue. No content.</summary>
    public async Task<LiveOverview> OverviewAsync()
    {
        var experts = (await store.GetPresencesAsync()).Where(e => e.OnShift)
            .OrderBy(e => e.DisplayName, StringComparer.CurrentCulture)
            .Select(e => new LiveExpert(e.DisplayName, e.Experience, e.Availability, e.Connected, e.ActiveChats.Count, e.MaxChats))
            .ToList();
        return new LiveOverview(await IsOpenAsync(), await SummaryAsync(), experts);
    }

    public async Task<bool> IsOpenAsync() => IsOpen(await store.GetPresencesAsync());

    /// <summary>Open: someone is on shift with a console open or a chat running.</summary>
    private static bool IsOpen(IEnumerable<ExpertPresence> experts) => experts.Any(e => e.OnShift && (e.Connected || e.ActiveChats.Count > 0));

    /// <summary>For /api/status (polled by every widget): one read of the experts and the queue; the chat lengths only when open.</summary>
    public async Task<(bool Open, int Waiting, int? EstimatedWaitSeconds)> StatusAsync()
    {
        var m = await SituationAsync();
        var open = IsOpen(m.Experts);
        return (open, m.Queue.Count, open ? Matchmaking.EstimateSeconds(null, m.Queue.Count + 1, m, await TypicalChatLengthAsync()) : null);
    }

    /// <summary>A waiting visitor's place and estimate (0 and null once the chat is no longer waiting).</summary>
    public async Task<(int Position, int? Estimate)> PositionAsync(ChatSession s)
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
        return recent.Count < 3 ? options.CurrentValue.TypicalChatLength : TimeSpan.FromSeconds(recent.Average(t => t.TotalSeconds));
    }

    private QueueChanged Summary(IReadOnlyList<ChatSession> queue)
    {
        var longest = queue.Count == 0 ? 0 : (int)Math.Max(0, (time.GetUtcNow() - queue.Min(s => s.RequestedAt)).TotalSeconds);
        return new QueueChanged(queue.Count, longest, queue.Count(s => s.Urgent is not null));
    }
}
