using Chat.Server.Conversations;
using Chat.Server.Live;

namespace Chat.Tests.Conversations;

/// <summary>The matching rules as pure functions: a queue, experts, planned shift ends and a time in, a decision out.</summary>
public sealed class MatchmakingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 19, 0, 0, TimeSpan.Zero);
    private static readonly MatchRules Rules = new(TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(10));

    private static ChatSession Visitor(string id, int waitedSeconds = 0, string experience = "any", string gender = "any", string language = "nl") => new()
    {
        SessionId = id, ConversationId = "c-" + id, ResumeTokenHash = "h-" + id,
        Visitor = new VisitorProfile("unspecified", experience, null, null, language, gender), RequestedAt = T0.AddSeconds(-waitedSeconds),
    };

    private static ExpertPresence Expert(string id, string experience = "victim", string gender = "woman", string[]? languages = null,
        int active = 0, int max = 1, string availability = "available", bool connected = true, int lastAssignedMinutesAgo = 60,
        DateTimeOffset? coolDownUntil = null) => new()
    {
        ExpertId = id, DisplayName = id, Experience = experience, Gender = gender, Languages = languages ?? ["nl"], MaxChats = max,
        ActiveChats = Enumerable.Range(0, active).Select(i => $"{id}-chat{i}").ToList(), Availability = availability, Connected = connected,
        LastAssignedAt = T0.AddMinutes(-lastAssignedMinutesAgo), CoolDownUntil = coolDownUntil,
    };

    private static MatchSituation At(IEnumerable<ChatSession> queue, IEnumerable<ExpertPresence> experts, Dictionary<string, DateTimeOffset>? shiftEnds = null,
        DateTimeOffset? now = null) => new(queue.ToList(), experts.ToList(), shiftEnds ?? [], now ?? T0, Rules);

    private static string? NextExpert(MatchSituation m) => Matchmaking.Next(m)?.Expert.ExpertId;

    [Theory]
    [InlineData("any", "any", "nl", "sanne")]        // no wish: the one idle longest (Sanne, 90 minutes)
    [InlineData("perpetrator", "any", "nl", "ruben")]
    [InlineData("any", "man", "nl", "ruben")]
    [InlineData("any", "woman", "nl", "sanne")]
    [InlineData("any", "any", "en", "sanne")]        // only Sanne chats in English
    [InlineData("victim", "man", "nl", "joost")]     // both experiences count for either wish
    public void EachWishIsHonouredWhileSomeoneWhoMatchesIsFree(string experience, string gender, string language, string expected)
    {
        var m = At([Visitor("v", 10, experience, gender, language)],
        [
            Expert("sanne", "victim", "woman", ["nl", "en"], lastAssignedMinutesAgo: 90),
            Expert("ruben", "perpetrator", "man", lastAssignedMinutesAgo: 60),
            Expert("joost", "both", "man", lastAssignedMinutesAgo: 30),
        ]);
        Assert.Equal(expected, NextExpert(m));
    }

    [Fact]
    public void NobodyWhoMatchesMeansWaitingUntilTheFallbackThenAnyone()
    {
        var experts = new[] { Expert("sanne") };
        Assert.Null(Matchmaking.Next(At([Visitor("v", 179, gender: "man")], experts)));
        Assert.Equal("sanne", NextExpert(At([Visitor("v", 180, gender: "man")], experts)));
    }

    [Fact]
    public void TheLongestWaitingVisitorWhoCanBeServedGoesFirst()
    {
        // The first in line wants a man (nobody free); the second can be served now and is not held up behind them.
        var m = At([Visitor("first", 60, gender: "man"), Visitor("second", 30)], [Expert("sanne")]);
        Assert.Equal("second", Matchmaking.Next(m)?.Visitor.SessionId);
        m = At([Visitor("first", 60), Visitor("second", 30)], [Expert("sanne")]);
        Assert.Equal("first", Matchmaking.Next(m)?.Visitor.SessionId);
    }

    [Fact]
    public void AmongFreeExpertsTheFewestChatsThenTheLeastRecentlyAssignedGetsTheNext()
    {
        var m = At([Visitor("v")],
        [
            Expert("busy", max: 2, active: 1, lastAssignedMinutesAgo: 120),
            Expert("recent", lastAssignedMinutesAgo: 1),
            Expert("idle", lastAssignedMinutesAgo: 50),
        ]);
        Assert.Equal("idle", NextExpert(m));
    }

    [Fact]
    public void NoNewChatDuringACoolDownPauseOfflineFullDisconnectedOrTheLastMinutesOfAShift()
    {
        var q = new[] { Visitor("v") };
        Assert.Null(NextExpert(At(q, [Expert("e", coolDownUntil: T0.AddSeconds(1))])));
        Assert.Equal("e", NextExpert(At(q, [Expert("e", coolDownUntil: T0)])));
        Assert.Null(NextExpert(At(q, [Expert("e", availability: "paused")])));
        Assert.Null(NextExpert(At(q, [Expert("e", availability: "offline")])));
        Assert.Null(NextExpert(At(q, [Expert("e", active: 1)])));
        Assert.Null(NextExpert(At(q, [Expert("e", connected: false)])));
        Assert.Null(NextExpert(At(q, [Expert("e")], new() { ["e"] = T0.AddMinutes(10) })));
        Assert.Equal("e", NextExpert(At(q, [Expert("e")], new() { ["e"] = T0.AddMinutes(10).AddSeconds(1) })));
    }

    [Fact]
    public void AChatPassedOnDoesNotGoBackToTheSameExpertUntilTheFallback()
    {
        var v = Visitor("v", 600) with { TransferredFrom = "sanne", TransferredAt = T0.AddSeconds(-30) };
        Assert.Null(NextExpert(At([v], [Expert("sanne")])));
        Assert.Equal("ruben", NextExpert(At([v], [Expert("sanne"), Expert("ruben", "perpetrator", "man")])));
        Assert.Equal("sanne", NextExpert(At([v], [Expert("sanne")], now: T0.AddSeconds(150))));
    }

    [Fact]
    public void TheConsoleIsToldWhyTheWaitingVisitorIsNotYours()
    {
        var wantsMan = new[] { Visitor("v", 30, gender: "man") };
        Assert.Equal(NotYoursReasons.Preference, Matchmaking.WhyNot(Expert("sanne"), At(wantsMan, [Expert("sanne")])));
        Assert.Equal(NotYoursReasons.CoolDown, Matchmaking.WhyNot(Expert("e", coolDownUntil: T0.AddMinutes(1)), At([Visitor("v")], [])));
        Assert.Equal(NotYoursReasons.Paused, Matchmaking.WhyNot(Expert("e", availability: "paused"), At([Visitor("v")], [])));
        Assert.Equal(NotYoursReasons.ShiftEnding, Matchmaking.WhyNot(Expert("e"), At([Visitor("v")], [], new() { ["e"] = T0.AddMinutes(5) })));
        var passedOn = Visitor("v", 30) with { TransferredFrom = "e", TransferredAt = T0.AddSeconds(-10) };
        Assert.Equal(NotYoursReasons.Transferred, Matchmaking.WhyNot(Expert("e"), At([passedOn], [])));
        Assert.Null(Matchmaking.WhyNot(Expert("e"), At([Visitor("v")], [])));
        Assert.Null(Matchmaking.WhyNot(Expert("e"), At([], [])));
        Assert.Equal(T0.AddSeconds(150), Matchmaking.FallbackAt(wantsMan[0], Rules));
    }

    [Fact]
    public void TheEstimateCountsOnlyPlacesThatSuitTheVisitorUntilTheFallback()
    {
        var length = TimeSpan.FromMinutes(20);
        var experts = new[] { Expert("sanne", max: 2, active: 2), Expert("ruben", "perpetrator", "man", active: 1) };
        // No wish: 3 places, first in line: 20 min * 0.5 / 3 = 200 s.
        Assert.Equal(200, Matchmaking.EstimateSeconds(Visitor("v"), 1, At([], experts), length));
        // Wants a man: Ruben's one place, 600 s; sooner than the fallback (180 s) plus anyone's (200 s)? No: 380 s.
        Assert.Equal(380, Matchmaking.EstimateSeconds(Visitor("v", gender: "man"), 1, At([], experts), length));
        // Wants English: nobody suits; the fallback in 120 s, then anyone's places.
        Assert.Equal(320, Matchmaking.EstimateSeconds(Visitor("v", 60, language: "en"), 1, At([], experts), length));
        // Everyone paused: unknown, never "less than a minute".
        Assert.Null(Matchmaking.EstimateSeconds(Visitor("v"), 1, At([], [Expert("sanne", availability: "paused")]), length));
        // After a transfer, the expert who passed it on does not count until the fallback from the transfer.
        var passedOn = Visitor("v", 900) with { TransferredFrom = "sanne", TransferredAt = T0 };
        Assert.Equal(180 + 300, Matchmaking.EstimateSeconds(passedOn, 1, At([], [Expert("sanne", max: 2, active: 2)]), length));
    }

    // ---- triage: three tiers ----

    private static ChatSession Danger(ChatSession s) => s with { Urgent = Urgency.Answer, Visitor = s.Visitor with { InDanger = true } };

    [Fact]
    public void AVisitorInDangerWhoArrivedLastIsServedFirst()
    {
        var queue = Enumerable.Range(0, 8).Select(i => Visitor("n" + i, 600 - i * 60)).Append(Danger(Visitor("d", 5))).ToList();
        var m = At(queue, [Expert("sanne")]);
        Assert.Equal("d", Matchmaking.Next(m)?.Visitor.SessionId);
        Assert.Equal(["d", "n0", "n1"], Matchmaking.Ordered(queue).Take(3).Select(s => s.SessionId));
        Assert.Equal(Tiers.Danger, Matchmaking.Tier(queue[^1], T0, Rules));
    }

    [Fact]
    public void VisitorsInDangerAmongThemselvesGoByWaitingTime()
    {
        var queue = new[] { Visitor("n", 900), Danger(Visitor("d1", 60)), Danger(Visitor("d2", 120)) };
        var ordered = Matchmaking.Ordered(queue.OrderBy(s => s.RequestedAt).ToList());
        Assert.Equal(["d2", "d1", "n"], ordered.Select(s => s.SessionId));
    }

    [Fact]
    public void AVisitorInDangersPreferencesGiveWayAtOnce()
    {
        // Asked for a man who lived through perpetration; only Sanne is free: a normal visitor waits for the fallback,
        // a visitor in danger gets Sanne now.
        var normal = At([Visitor("n", 10, "perpetrator", "man")], [Expert("sanne")]);
        var danger = At([Danger(Visitor("d", 10, "perpetrator", "man"))], [Expert("sanne")]);
        Assert.Null(NextExpert(normal));
        Assert.Equal("sanne", NextExpert(danger));
        Assert.Equal(T0.AddSeconds(-10), Matchmaking.FallbackAt(danger.Queue[0], Rules));
    }

    [Fact]
    public void AVisitorWaitingPastMaxWaitBeforeFirstIsInTheWaitedTier()
    {
        var rules = Rules with { MaxWaitBeforeFirst = TimeSpan.FromMinutes(20) };
        Assert.Equal(Tiers.Normal, Matchmaking.Tier(Visitor("a", 19 * 60), T0, rules));
        Assert.Equal(Tiers.Waited, Matchmaking.Tier(Visitor("b", 20 * 60), T0, rules));
        Assert.Equal(Urgency.Waited, Matchmaking.UrgentReason(Visitor("b", 20 * 60), T0, rules));
        Assert.Null(Matchmaking.UrgentReason(Visitor("a", 60), T0, rules));
        Assert.Equal(Urgency.Answer, Matchmaking.UrgentReason(Danger(Visitor("d", 25 * 60)), T0, rules)); // danger before waited
    }

    [Fact]
    public void AVisitorInDangerCountsOnlyVisitorsInDangerBeforeThemForTheEstimate()
    {
        var queue = Matchmaking.Ordered(Enumerable.Range(0, 6).Select(i => Visitor("n" + i, 600 - i * 60)).Append(Danger(Visitor("d", 5))).ToList());
        var m = At(queue, [Expert("sanne")]);
        var position = queue.ToList().FindIndex(s => s.SessionId == "d") + 1;
        Assert.Equal(1, position);
        Assert.Equal(750, Matchmaking.EstimateSeconds(queue[0], position, m, TimeSpan.FromMinutes(25))); // 25 min * 0.5
    }
}
