using Chat.Server.Live;

namespace Chat.Server.Conversations;

/// <summary>The settings the matching rules read (from Chat and Roster options).</summary>
/// <param name="PreferenceFallback">After this wait a visitor's preferences give way: anyone who is free.</param>
/// <param name="NoNewChatsBeforeShiftEnd">No new chat for an expert whose planned shift ends within this.</param>
/// <param name="MaxWaitBeforeFirst">After this wait a visitor is in the <c>waited</c> tier (Triage:MaxWaitBeforeFirst); null: 20 minutes.</param>
public sealed record MatchRules(TimeSpan PreferenceFallback, TimeSpan NoNewChatsBeforeShiftEnd, TimeSpan? MaxWaitBeforeFirst = null)
{
    public TimeSpan WaitBeforeFirst => MaxWaitBeforeFirst ?? TimeSpan.FromMinutes(20);
}

/// <summary>The queue's tiers, first to last (see <see cref="Matchmaking.Tier"/>).</summary>
public static class Tiers
{
    public const string Danger = "danger";
    public const string Waited = "waited";
    public const string Normal = "normal";
    public static readonly string[] All = [Danger, Waited, Normal];
}

/// <summary>
/// Everything the matching needs at one moment: the queue (in the order it is served: <see cref="Matchmaking.Ordered"/>), the experts' presence, the planned
/// shift ends, the time. A snapshot, so the rules below are pure functions of it.
/// </summary>
public sealed record MatchSituation(
    IReadOnlyList<ChatSession> Queue,
    IReadOnlyList<ExpertPresence> Experts,
    IReadOnlyDictionary<string, DateTimeOffset> ShiftEnds,
    DateTimeOffset Now,
    MatchRules Rules);

/// <summary>Why a waiting visitor is not this expert's (codes shown in the console; see <see cref="Matchmaking.WhyNot"/>).</summary>
public static class NotYoursReasons
{
    public const string Offline = "offline";
    public const string Paused = "paused";
    public const string NotConnected = "not-connected";
    public const string Full = "full";
    public const string CoolDown = "cool-down";
    public const string ShiftEnding = "shift-ending";
    public const string Preference = "preference";
    public const string Transferred = "transferred";
}

/// <summary>
/// The matching rules, in one place and pure (no store, no clock, no I/O): which expert may take a new chat, which
/// expert suits which visitor, who goes first, how long a visitor will wait, and why a waiting visitor is not someone's.
/// Both stores' routing passes go through <see cref="Next"/>; the stores only make the chosen assignment atomic.
/// </summary>
public static class Matchmaking
{
    /// <summary>
    /// Free for a new chat: connected, available, below capacity, not in a cool-down, and not in the last minutes of a
    /// planned shift (a running chat is never cut off; this only keeps new ones away).
    /// </summary>
    public static bool TakesNewChats(ExpertPresence e, MatchSituation m) => WhyNotFree(e, m) is null;

    private static string? WhyNotFree(ExpertPresence e, MatchSituation m)
    {
        if (e.Availability == Availability.Offline) return NotYoursReasons.Offline;
        if (e.Availability == Availability.Paused) return NotYoursReasons.Paused;
        if (!e.Connected) return NotYoursReasons.NotConnected;
        if (e.ActiveChats.Count >= e.MaxChats) return NotYoursReasons.Full;
        if (e.CoolingDownAt(m.Now)) return NotYoursReasons.CoolDown;
        if (m.ShiftEnds.TryGetValue(e.ExpertId, out var end) && end - m.Now <= m.Rules.NoNewChatsBeforeShiftEnd && end > m.Now)
            return NotYoursReasons.ShiftEnding;
        return null;
    }

    /// <summary>
    /// May take a visitor in danger by their own choice (expert hub TakeUrgent): connected, on shift (available or paused) and
    /// below capacity. A cool-down and the last minutes of a shift do not stop it: the expert decides, with one click.
    /// </summary>
    public static bool MayTakeUrgent(ExpertPresence e) =>
        e.Connected && e.Availability != Availability.Offline && e.ActiveChats.Count < e.MaxChats;

    /// <summary>The expert is what the visitor asked for (lived experience, gender, language).</summary>
    public static bool MeetsPreferences(ExpertPresence e, VisitorProfile v)
    {
        var experience = v.PreferredExperience is "any" or "" || e.Experience == v.PreferredExperience || e.Experience == Accounts.Experiences.Both;
        var gender = v.PreferredGender is "any" or "" || e.Gender == v.PreferredGender;
        var language = v.Language is "" || e.Languages.Contains(v.Language, StringComparer.OrdinalIgnoreCase);
        return experience && gender && language;
    }

    /// <summary>
    /// The visitor's tier: <c>danger</c> (said they are in danger now: <see cref="ChatSession.Urgent"/>), then <c>waited</c>
    /// (waiting longer than Triage:MaxWaitBeforeFirst, so nobody waits for ever behind others), then <c>normal</c>.
    /// </summary>
    public static string Tier(ChatSession s, DateTimeOffset now, MatchRules rules) =>
        s.Urgent is not null ? Tiers.Danger : now - s.RequestedAt >= rules.WaitBeforeFirst ? Tiers.Waited : Tiers.Normal;

    /// <summary>What the expert's badge says: the stored reason of a danger visitor, <c>waited</c>, or null.</summary>
    public static string? UrgentReason(ChatSession s, DateTimeOffset now, MatchRules rules) =>
        s.Urgent ?? (Tier(s, now, rules) == Tiers.Waited ? Urgency.Waited : null);

    /// <summary>
    /// The queue in the order it is served: visitors in danger first, then everyone else, each by waiting time (the
    /// store's order: request time, then session id). The <c>waited</c> tier needs no move of its own: those visitors
    /// waited longest, so they already come before every <c>normal</c> one. Positions, estimates and <see cref="Next"/>
    /// all read this order.
    /// </summary>
    public static IReadOnlyList<ChatSession> Ordered(IReadOnlyList<ChatSession> queue) =>
        queue.Any(s => s.Urgent is not null) ? queue.OrderBy(s => s.Urgent is null ? 1 : 0).ToList() : queue; // OrderBy is stable

    /// <summary>
    /// The one fallback: after Chat:PreferenceFallback of waiting, preferences give way and anyone free will do. For a
    /// visitor in danger at once.
    /// </summary>
    public static bool PreferencesWaived(ChatSession s, MatchSituation m) => s.Urgent is not null || m.Now - s.RequestedAt >= m.Rules.PreferenceFallback;

    /// <summary>
    /// The expert suits the visitor now: not the one who just passed the chat on; for a follow-up by code, the expert of
    /// the last chat or answer while they are on shift (connected, not offline); otherwise what was asked for. All until
    /// the one fallback (at once for a visitor in danger).
    /// </summary>
    public static bool Suits(ExpertPresence e, ChatSession s, MatchSituation m)
    {
        if (!Serves(e, s)) return false; // an expert takes chats of their own projects only (an accepted overflow included)
        if (s.TransferredFrom == e.ExpertId && m.Now - s.TransferredAt < m.Rules.PreferenceFallback) return false;
        if (PreferencesWaived(s, m)) return true;
        if (s.Visitor.PreferredExpertId is { } preferred && PreferredOnShift(preferred, m, s)) return e.ExpertId == preferred;
        return MeetsPreferences(e, s.Visitor);
    }

    /// <summary>The expert belongs to the visitor's project, or to the partner project the visitor said yes to.</summary>
    public static bool Serves(ExpertPresence e, ChatSession s) => s.ServedBy(e.Projects);

    /// <summary>The follow-up's expert is on shift: waiting for them makes sense (else the usual preferences hold at once).</summary>
    /// <param name="s">The visitor: the expert must work for one of their projects (a code used on another project's widget,
    /// or after an overflow, does not hold the visitor for an expert who may not take them).</param>
    public static bool PreferredOnShift(string expertId, MatchSituation m, ChatSession? s = null) =>
        m.Experts.Any(x => x.ExpertId == expertId && x.Connected && x.Availability != Availability.Offline && (s is null || Serves(x, s)));

    /// <summary>
    /// The next assignment: the first visitor in <see cref="Ordered"/> order (a visitor in danger first, then the
    /// longest-waiting) who has a suitable free expert; among those experts the one with
    /// the fewest chats, then the least recently assigned, then by id (so every node picks the same). Null: nobody to pair.
    /// </summary>
    public static (ChatSession Visitor, ExpertPresence Expert)? Next(MatchSituation m)
    {
        var free = m.Experts.Where(e => TakesNewChats(e, m)).ToList();
        if (free.Count == 0) return null;
        foreach (var s in Ordered(m.Queue))
        {
            var expert = free.Where(e => Suits(e, s, m))
                .OrderBy(e => e.ActiveChats.Count).ThenBy(e => e.LastAssignedAt).ThenBy(e => e.ExpertId, StringComparer.Ordinal)
                .FirstOrDefault();
            if (expert is not null) return (s, expert);
        }
        return null;
    }

    /// <summary>
    /// Why the first waiting visitor is not this expert's, as a code of <see cref="NotYoursReasons"/>; null when the
    /// queue is empty or the expert could take them (they will be assigned on the next pass).
    /// </summary>
    public static string? WhyNot(ExpertPresence e, MatchSituation m)
    {
        if (!m.Queue.Any(s => Serves(e, s))) return null; // nobody of the expert's projects waits
        if (WhyNotFree(e, m) is { } busy) return busy;
        // Free: is any waiting visitor suitable? Then nothing to explain.
        if (m.Queue.Any(s => Suits(e, s, m))) return null;
        var first = m.Queue.First(s => Serves(e, s));
        return first.TransferredFrom == e.ExpertId && m.Now - first.TransferredAt < m.Rules.PreferenceFallback
            ? NotYoursReasons.Transferred
            : NotYoursReasons.Preference;
    }

    /// <summary>When the first waiting visitor's preferences give way (for "until 14:32" in the console).</summary>
    public static DateTimeOffset FallbackAt(ChatSession s, MatchRules rules) =>
        s.Urgent is not null ? s.RequestedAt : s.TransferredAt is { } t && s.TransferredFrom is not null ? Max(s.RequestedAt, t) + rules.PreferenceFallback : s.RequestedAt + rules.PreferenceFallback;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>
    /// An honest wait for the visitor at <paramref name="position"/> (1-based): with C places that suit them and chats of
    /// typical length L, about L * (position - 1/2) / C; with preferences, the sooner of that and "the fallback, then
    /// anyone's places"; null while nobody is taking chats (everyone paused), so the widget says it does not know.
    /// </summary>
    /// <param name="project">Without a visitor (the widget's status): the project whose experts count.</param>
    public static int? EstimateSeconds(ChatSession? s, int position, MatchSituation m, TimeSpan typicalChatLength, string? project = null)
    {
        var taking = m.Experts.Where(e => e.Connected && e.Availability == Availability.Available
            && (s is not null ? Serves(e, s) : project is null || e.Projects.Contains(project, StringComparer.Ordinal))).ToList();
        var all = taking.Sum(e => e.MaxChats);
        if (all <= 0) return null;
        double Wait(int places) => typicalChatLength.TotalSeconds * (position - 0.5) / places;
        if (s is null || m.Now >= FallbackAt(s, m.Rules)) return (int)Math.Round(Wait(all));
        var suitable = taking.Where(e => Suits(e, s, m)).Sum(e => e.MaxChats);
        var untilFallback = Math.Max(0, (FallbackAt(s, m.Rules) - m.Now).TotalSeconds);
        var viaFallback = untilFallback + Wait(all);
        return (int)Math.Round(suitable > 0 ? Math.Min(Wait(suitable), viaFallback) : viaFallback);
    }
}
