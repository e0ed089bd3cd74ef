using Chat.Server.Live;

namespace Chat.Tests.Live;

/// <summary>
/// The contract every live store keeps, run against each implementation (in process and Redis), in the manner
/// of SignalR's backplane test suites: same tests, same expectations.
/// </summary>
public abstract class LiveStoreContract
{
    protected abstract ILiveStore Store { get; }
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 19, 0, 0, TimeSpan.Zero);
    /// <summary>Chat:GracePeriod as the lifecycle passes it to an end.</summary>
    internal static readonly TimeSpan Grace = TimeSpan.FromMinutes(15);

    private static ChatSession Session(string id, int secondsAfter = 0) => new()
    {
        SessionId = id, ConversationId = "c-" + id, ResumeTokenHash = "h-" + id,
        Visitor = new VisitorProfile("victim", "any", null, "website", "nl"), RequestedAt = T0.AddSeconds(secondsAfter),
    };

    private Task<ExpertPresence> ExpertAsync(string id, int maxChats = 1, string availability = "available", bool connected = true) =>
        Store.UpsertPresenceAsync(new ExpertPresence
        {
            ExpertId = id, DisplayName = "E " + id, Experience = "victim", MaxChats = maxChats,
            Availability = availability, Connected = connected, ChangedAt = T0,
        });

    [Fact]
    public async Task OneAddressHoldsOneUrgentChatAtATime()
    {
        var limits = new QueueLimits(50, 3, 10);
        ChatSession Urgent(string id, string address, int after) => Session(id, after) with { AddressHash = address, Urgent = Urgency.Answer };
        Assert.Equal(QueueAdmission.Added, await Store.AddQueuedAsync(Urgent("u1", "addr-a", 0), limits));
        Assert.Equal(QueueAdmission.Added, await Store.AddQueuedAsync(Urgent("u2", "addr-a", 1), limits)); // queued, as anyone else
        Assert.Equal(QueueAdmission.Added, await Store.AddQueuedAsync(Urgent("u3", "addr-b", 2), limits)); // another address
        Assert.Equal(Urgency.Answer, (await Store.GetSessionAsync("u1"))!.Urgent);
        Assert.Null((await Store.GetSessionAsync("u2"))!.Urgent);
        Assert.Equal(Urgency.Answer, (await Store.GetSessionAsync("u3"))!.Urgent);
        Assert.Equal(Urgency.Answer, (await Store.GetQueueAsync()).Single(s => s.SessionId == "u1").Urgent);
        // Once the first has ended, the address may have an urgent chat again.
        await Store.TryEndAsync("u1", "visitor", T0.AddMinutes(1), Grace);
        Assert.Equal(QueueAdmission.Added, await Store.AddQueuedAsync(Urgent("u4", "addr-a", 90), limits));
        Assert.Equal(Urgency.Answer, (await Store.GetSessionAsync("u4"))!.Urgent);
    }

    [Fact]
    public async Task AWaitingVisitorBecomesUrgentOnceAndOnlyWhileNoOtherChatOfTheAddressIs()
    {
        await Store.AddQueuedAsync(Session("a") with { AddressHash = "addr-a" });
        await Store.AddQueuedAsync(Session("b", 1) with { AddressHash = "addr-a" });
        await Store.AddQueuedAsync(Session("c", 2));
        Assert.Equal(Urgency.Words, (await Store.TryMarkUrgentAsync("a", Urgency.Words))!.Urgent);
        Assert.Null(await Store.TryMarkUrgentAsync("a", Urgency.Words)); // already
        Assert.Null(await Store.TryMarkUrgentAsync("b", Urgency.Words)); // the address has one
        Assert.Null((await Store.GetSessionAsync("b"))!.Urgent);
        Assert.Equal(Urgency.Words, (await Store.TryMarkUrgentAsync("c", Urgency.Words))!.Urgent); // no address: alone
        Assert.Equal(Urgency.Words, (await Store.GetQueueAsync()).Single(s => s.SessionId == "a").Urgent);
        Assert.Null(await Store.TryMarkUrgentAsync("nope", Urgency.Words));
        // Only while waiting.
        await ExpertAsync("e1");
        await Store.TryAssignAsync("b", "e1", T0);
        Assert.Null(await Store.TryMarkUrgentAsync("b", Urgency.Words));
        // Once the urgent one ended, another chat of the address may become urgent.
        await Store.AddQueuedAsync(Session("d", 3) with { AddressHash = "addr-a" });
        await Store.TryEndAsync("a", "visitor", T0.AddMinutes(1), Grace);
        Assert.NotNull(await Store.TryMarkUrgentAsync("d", Urgency.Words));
    }

    [Fact]
    public async Task TakeUrgentTakesOnlyAnUrgentVisitorAndLetsAPausedOrCoolingDownExpertChooseIt()
    {
        await ExpertAsync("paused", availability: "paused");
        await ExpertAsync("offline", availability: "offline");
        await ExpertAsync("gone", availability: "paused", connected: false);
        await ExpertAsync("cool");
        await Store.AddQueuedAsync(Session("x"));
        await Store.TryAssignAsync("x", "cool", T0);
        await Store.TryEndAsync("x", "expert", T0, Grace, TimeSpan.FromMinutes(5));
        await Store.AddQueuedAsync(Session("normal"));
        await Store.AddQueuedAsync(Session("u1", 1) with { Urgent = Urgency.Answer });
        await Store.AddQueuedAsync(Session("u2", 2) with { Urgent = Urgency.Answer });
        Assert.Equal(AssignOutcome.SessionNotQueued, await Store.TryAssignAsync("normal", "paused", T0, takeUrgent: true));
        Assert.Equal(AssignOutcome.ExpertUnavailable, await Store.TryAssignAsync("u1", "offline", T0, takeUrgent: true));
        Assert.Equal(AssignOutcome.ExpertUnavailable, await Store.TryAssignAsync("u1", "gone", T0, takeUrgent: true));
        // Without the choice, paused and cooling down still take nothing.
        Assert.Equal(AssignOutcome.ExpertUnavailable, await Store.TryAssignAsync("u1", "paused", T0));
        Assert.Equal(AssignOutcome.ExpertUnavailable, await Store.TryAssignAsync("u1", "cool", T0.AddMinutes(1)));
        Assert.Equal(AssignOutcome.Assigned, await Store.TryAssignAsync("u1", "paused", T0, takeUrgent: true));
        Assert.Equal(AssignOutcome.SessionNotQueued, await Store.TryAssignAsync("u1", "cool", T0, takeUrgent: true)); // taken
        Assert.Equal(AssignOutcome.ExpertUnavailable, await Store.TryAssignAsync("u2", "paused", T0, takeUrgent: true)); // full
        Assert.Equal(AssignOutcome.Assigned, await Store.TryAssignAsync("u2", "cool", T0.AddMinutes(1), takeUrgent: true));
        var cool = (await Store.GetPresenceAsync("cool"))!;
        Assert.Null(cool.CoolDownUntil); // chosen: the cool-down is over
        Assert.Equal("paused", (await Store.GetPresenceAsync("paused"))!.Availability); // still takes no other chat
    }

    [Fact]
    public async Task QueuedSessionsCanBeFoundByIdConversationAndTokenHash()
    {
        await Store.AddQueuedAsync(Session("a"));
        Assert.Equal(ChatState.Queued, (await Store.GetSessionAsync("a"))!.State);
        Assert.Equal("a", (await Store.FindByConversationAsync("c-a"))!.SessionId);
        Assert.Equal("a", (await Store.FindByResumeTokenHashAsync("h-a"))!.SessionId);
        Assert.Null(await Store.GetSessionAsync("nope"));
        Assert.Null(await Store.FindByConversationAsync("nope"));
        Assert.Null(await Store.FindByResumeTokenHashAsync("nope"));
        var s = (await Store.GetSessionAsync("a"))!;
        Assert.Equal(Session("a").Visitor, s.Visitor);
        Assert.Equal(T0, s.RequestedAt);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.AddQueuedAsync(Session("a")));
    }

    [Fact]
    public async Task QueueIsOrderedByRequestTimeThenId()
    {
        await Store.AddQueuedAsync(Session("c", 5));
        await Store.AddQueuedAsync(Session("b", 1));
        await Store.AddQueuedAsync(Session("a", 5));
        Assert.Equal(["b", "a", "c"], (await Store.GetQueueAsync()).Select(s => s.SessionId));
    }

    [Fact]
    public async Task AssignmentMovesTheSessionOutOfTheQueueAndUsesASlot()
    {
        await ExpertAsync("e1");
        await Store.AddQueuedAsync(Session("a"));
        Assert.Equal(AssignOutcome.Assigned, await Store.TryAssignAsync("a", "e1", T0.AddMinutes(1)));
        var s = (await Store.GetSessionAsync("a"))!;
        Assert.Equal(ChatState.Active, s.State);
        Assert.Equal("e1", s.ExpertId);
        Assert.Equal("E e1", s.ExpertDisplayName);
        Assert.Equal(T0.AddMinutes(1), s.StartedAt);
        Assert.Empty(await Store.GetQueueAsync());
        var e = (await Store.GetPresenceAsync("e1"))!;
        Assert.Equal(["a"], e.ActiveChats);
        Assert.Equal(T0.AddMinutes(1), e.LastAssignedAt);
        Assert.False(e.HasCapacity);
        Assert.Equal(AssignOutcome.SessionNotQueued, await Store.TryAssignAsync("a", "e1", T0));
    }

    [Fact]
    public async Task ExpertsWithoutCapacityOrConnectionOrAvailabilityAreRefused()
    {
        await ExpertAsync("paused", availability: "paused");
        await ExpertAsync("gone", connected: false);
        await ExpertAsync("one", maxChats: 1);
        await Store.AddQueuedAsync(Session("a"));
        await Store.AddQueuedAsync(Session("b", 1));
        Assert.Equal(AssignOutcome.ExpertUnavailable, await Store.TryAssignAsync("a", "paused", T0));
        Assert.Equal(AssignOutcome.ExpertUnavailable, await Store.TryAssignAsync("a", "gone", T0));
        Assert.Equal(AssignOutcome.ExpertUnavailable, await Store.TryAssignAsync("a", "unknown", T0));
        Assert.Equal(AssignOutcome.Assigned, await Store.TryAssignAsync("a", "one", T0));
        Assert.Equal(AssignOutcome.ExpertUnavailable, await Store.TryAssignAsync("b", "one", T0));
        Assert.Equal(AssignOutcome.SessionNotQueued, await Store.TryAssignAsync("nope", "one", T0));
    }

    [Fact]
    public async Task ConcurrentAssignmentsNeverDoubleAssignOrExceedCapacity()
    {
        for (var i = 0; i < 4; i++) await ExpertAsync("e" + i, maxChats: 2);
        for (var i = 0; i < 20; i++) await Store.AddQueuedAsync(Session("s" + i.ToString("D2"), i));
        // Every expert tries every session at once.
        var attempts = from e in Enumerable.Range(0, 4) from s in Enumerable.Range(0, 20)
                       select Task.Run(() => Store.TryAssignAsync("s" + s.ToString("D2"), "e" + e, T0));
        var outcomes = await Task.WhenAll(attempts);
        Assert.Equal(8, outcomes.Count(o => o == AssignOutcome.Assigned));
        var presences = await Store.GetPresencesAsync();
        Assert.All(presences, p => Assert.Equal(2, p.ActiveChats.Count));
        var assigned = presences.SelectMany(p => p.ActiveChats).ToList();
        Assert.Equal(assigned.Count, assigned.Distinct().Count());
        Assert.Equal(12, (await Store.GetQueueAsync()).Count);
    }

    [Fact]
    public async Task EndingFreesTheSlotOnceAndLeavesTheQueue()
    {
        await ExpertAsync("e1");
        await Store.AddQueuedAsync(Session("a"));
        await Store.AddQueuedAsync(Session("b", 1));
        await Store.TryAssignAsync("a", "e1", T0);
        var ended = await Store.TryEndAsync("a", "visitor", T0.AddMinutes(20), Grace);
        Assert.Equal(ChatState.Ended, ended!.State);
        Assert.Equal("visitor", ended.EndedBy);
        Assert.Equal(T0.AddMinutes(20), ended.EndedAt);
        Assert.Null(await Store.TryEndAsync("a", "expert", T0, Grace));
        Assert.Empty((await Store.GetPresenceAsync("e1"))!.ActiveChats);
        Assert.NotNull(await Store.TryEndAsync("b", "system", T0, Grace)); // a queued one ends too
        Assert.Empty(await Store.GetQueueAsync());
        Assert.Null(await Store.TryEndAsync("nope", "visitor", T0, Grace));
    }

    [Fact]
    public async Task RequeueKeepsThePlaceByRequestTime()
    {
        await ExpertAsync("e1");
        await Store.AddQueuedAsync(Session("early"));
        await Store.AddQueuedAsync(Session("late", 60));
        await Store.TryAssignAsync("early", "e1", T0);
        var requeued = await Store.TryRequeueAsync("early");
        Assert.Equal(ChatState.Queued, requeued!.State);
        Assert.True(requeued.Requeued);
        Assert.Null(requeued.ExpertId);
        Assert.Null(requeued.StartedAt);
        Assert.Equal(["early", "late"], (await Store.GetQueueAsync()).Select(s => s.SessionId));
        Assert.Empty((await Store.GetPresenceAsync("e1"))!.ActiveChats);
        Assert.Null(await Store.TryRequeueAsync("late")); // only active chats go back
    }

    [Fact]
    public async Task APassedOnChatRemembersWhoPassedItOnAndWhen()
    {
        await ExpertAsync("e1");
        await Store.AddQueuedAsync(Session("a"));
        await Store.TryAssignAsync("a", "e1", T0);
        var requeued = await Store.TryRequeueAsync("a", "e1", T0.AddMinutes(7));
        Assert.Equal("e1", requeued!.TransferredFrom);
        Assert.Equal(T0.AddMinutes(7), requeued.TransferredAt);
        Assert.Equal("e1", (await Store.GetSessionAsync("a"))!.TransferredFrom);
    }

    [Fact]
    public async Task MessagesGetConsecutiveSeqsAndResendsAreIdempotent()
    {
        await Store.AddQueuedAsync(Session("a"));
        var m1 = await Store.AppendAsync("c-a", "visitor", "id1", "héllo <b>", T0);
        var m2 = await Store.AppendAsync("c-a", "expert", "id1", "same id, other sender", T0.AddSeconds(1));
        var again = await Store.AppendAsync("c-a", "visitor", "id1", "ignored", T0.AddSeconds(2));
        Assert.Equal((1, false), (m1.Message.Seq, m1.Duplicate));
        Assert.Equal((2, false), (m2.Message.Seq, m2.Duplicate));
        Assert.Equal((1, true), (again.Message.Seq, again.Duplicate));
        Assert.Equal("héllo <b>", again.Message.Text);
        Assert.Equal(T0, again.Message.SentAt);
        Assert.Equal([1L, 2L], (await Store.GetMessagesAsync("c-a", 0)).Select(m => m.Seq));
        Assert.Equal([2L], (await Store.GetMessagesAsync("c-a", 1)).Select(m => m.Seq));
        Assert.Empty(await Store.GetMessagesAsync("c-a", 2));
        Assert.Empty(await Store.GetMessagesAsync("nope", 0));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => Store.AppendAsync("nope", "visitor", "x", "y", T0));
    }

    [Fact]
    public async Task AnExpertsMessageIsStoredOnlyWhileTheChatIsWithThatExpert()
    {
        await ExpertAsync("e1");
        await ExpertAsync("e2");
        await Store.AddQueuedAsync(Session("a"));
        await Assert.ThrowsAsync<NotAssignedException>(() => Store.AppendAsync("c-a", "expert", "x0", "still queued", T0, assignedTo: "e1"));
        await Store.TryAssignAsync("a", "e1", T0);
        var first = await Store.AppendAsync("c-a", "expert", "x1", "mine", T0, assignedTo: "e1");
        Assert.Equal("e1", first.ExpertId);
        await Assert.ThrowsAsync<NotAssignedException>(() => Store.AppendAsync("c-a", "expert", "x2", "not mine", T0, assignedTo: "e2"));

        // Passed on: the former expert's new message is refused, a resend of what was stored is still acknowledged.
        await Store.TryRequeueAsync("a", "e1", T0.AddMinutes(1));
        await Assert.ThrowsAsync<NotAssignedException>(() => Store.AppendAsync("c-a", "expert", "x3", "too late", T0, assignedTo: "e1"));
        var resend = await Store.AppendAsync("c-a", "expert", "x1", "mine", T0, assignedTo: "e1");
        Assert.Equal((1, true), (resend.Message.Seq, resend.Duplicate));
        Assert.Equal([1L], (await Store.GetMessagesAsync("c-a", 0)).Select(m => m.Seq));
    }

    [Fact]
    public async Task NothingNewIsAppendedAfterTheEndButAResendIsStillAcknowledged()
    {
        await Store.AddQueuedAsync(Session("a"));
        await Store.AppendAsync("c-a", "visitor", "id1", "stored", T0);
        await Store.TryEndAsync("a", "visitor", T0, Grace);
        await Assert.ThrowsAsync<ConversationEndedException>(() => Store.AppendAsync("c-a", "visitor", "id2", "late", T0));
        Assert.Equal(1, (await Store.AppendAsync("c-a", "visitor", "id1", "stored", T0)).Message.Seq);
        Assert.Equal(2, (await Store.AppendAsync("c-a", "system", "sys", "note", T0)).Message.Seq);
    }

    [Fact]
    public async Task PurgeDeletesEndedChatsOlderThanTheCutoffOnly()
    {
        await Store.AddQueuedAsync(Session("old"));
        await Store.AddQueuedAsync(Session("new"));
        await Store.AppendAsync("c-old", "visitor", "m", "text", T0);
        await Store.TryEndAsync("old", "visitor", T0, Grace);
        await Store.TryEndAsync("new", "visitor", T0.AddMinutes(10), Grace);
        var purged = await Store.PurgeEndedAsync(T0.AddMinutes(5));
        Assert.Equal(["c-old"], purged);
        Assert.Null(await Store.GetSessionAsync("old"));
        Assert.Null(await Store.FindByConversationAsync("c-old"));
        Assert.Null(await Store.FindByResumeTokenHashAsync("h-old"));
        Assert.Empty(await Store.GetMessagesAsync("c-old", 0));
        Assert.NotNull(await Store.GetSessionAsync("new"));
    }

    private static ChatSession FromAddress(string id, string address, int secondsAfter = 0) =>
        Session(id, secondsAfter) with { AddressHash = address };

    [Fact]
    public async Task QueueLimitsAreCheckedWithTheAdd()
    {
        var limits = new QueueLimits(MaxQueue: 4, MaxOpenPerAddress: 2, MaxPerAddressPerHour: 3);
        Assert.Equal(QueueAdmission.Added, await Store.AddQueuedAsync(FromAddress("a1", "A"), limits));
        Assert.Equal(QueueAdmission.Added, await Store.AddQueuedAsync(FromAddress("a2", "A", 1), limits));
        Assert.Equal(QueueAdmission.AddressLimit, await Store.AddQueuedAsync(FromAddress("a3", "A", 2), limits)); // two open
        Assert.Null(await Store.GetSessionAsync("a3"));
        // An ended chat frees its place; the hour still counts it.
        await Store.TryEndAsync("a1", "visitor", T0.AddSeconds(3), Grace);
        Assert.Equal(QueueAdmission.Added, await Store.AddQueuedAsync(FromAddress("a4", "A", 4), limits));
        await Store.TryEndAsync("a2", "visitor", T0.AddSeconds(5), Grace);
        Assert.Equal(QueueAdmission.AddressLimit, await Store.AddQueuedAsync(FromAddress("a5", "A", 6), limits)); // three this hour
        Assert.Equal(QueueAdmission.Added, await Store.AddQueuedAsync(FromAddress("a6", "A", 3601), limits)); // an hour after the first
        // The queue cap counts every address; an active chat is not in the queue.
        Assert.Equal(QueueAdmission.Added, await Store.AddQueuedAsync(FromAddress("b1", "B", 10), limits));
        Assert.Equal(QueueAdmission.Added, await Store.AddQueuedAsync(FromAddress("c1", "C", 11), limits));
        Assert.Equal(QueueAdmission.QueueFull, await Store.AddQueuedAsync(FromAddress("d1", "D", 12), limits)); // a4, a6, b1, c1
        await ExpertAsync("e1");
        Assert.Equal(AssignOutcome.Assigned, await Store.TryAssignAsync("b1", "e1", T0.AddSeconds(13)));
        Assert.Equal(QueueAdmission.Added, await Store.AddQueuedAsync(FromAddress("d2", "D", 14), limits));
        Assert.Equal(["a4", "c1", "d2", "a6"], (await Store.GetQueueAsync()).Select(s => s.SessionId));
        // Without limits (an internal add) nothing is refused.
        Assert.Equal(QueueAdmission.Added, await Store.AddQueuedAsync(FromAddress("a7", "A", 15)));
    }

    [Fact]
    public async Task SimultaneousStartsFromOneAddressGetNoMoreThanTheLimit()
    {
        var limits = new QueueLimits(MaxQueue: 1000, MaxOpenPerAddress: 3, MaxPerAddressPerHour: 10);
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Store.AddQueuedAsync(FromAddress("s" + i, "A", i), limits)));
        Assert.Equal(3, results.Count(r => r == QueueAdmission.Added));
        Assert.Equal(3, (await Store.GetQueueAsync()).Count);
    }

    [Fact]
    public async Task MessageLimitsHoldPerChatAndNeverRefuseAResend()
    {
        await Store.AddQueuedAsync(Session("a"));
        var limits = new MessageLimits(MaxMessages: 6, VisitorPerMinute: 3);
        for (var i = 0; i < 3; i++) await Store.AppendAsync("c-a", "visitor", "v" + i, "x", T0.AddSeconds(i), limits: limits);
        var rate = await Assert.ThrowsAsync<MessageLimitException>(() => Store.AppendAsync("c-a", "visitor", "v3", "x", T0.AddSeconds(5), limits: limits));
        Assert.False(rate.Full);
        Assert.Equal(2, (await Store.AppendAsync("c-a", "visitor", "v1", "x", T0.AddSeconds(6), limits: limits)).Message.Seq); // a resend
        await Store.AppendAsync("c-a", "visitor", "v3", "x", T0.AddMinutes(1), limits: limits); // the next minute
        await Store.AppendAsync("c-a", "system", "s1", "note", T0.AddMinutes(1), limits: limits);
        await Store.AppendAsync("c-a", "visitor", "v4", "x", T0.AddMinutes(1), limits: limits);
        var full = await Assert.ThrowsAsync<MessageLimitException>(() => Store.AppendAsync("c-a", "expert", "e1", "x", T0.AddMinutes(1), limits: limits));
        Assert.True(full.Full);
        Assert.Equal(7, (await Store.AppendAsync("c-a", "system", "s2", "a system note still fits", T0.AddMinutes(1), limits: limits)).Message.Seq);
        Assert.Equal(7, (await Store.GetMessagesAsync("c-a", 0)).Count);
    }

    [Fact]
    public async Task UpsertingPresenceKeepsActiveChatsAndLastAssignment()
    {
        await ExpertAsync("e1", maxChats: 2);
        await Store.AddQueuedAsync(Session("a"));
        await Store.TryAssignAsync("a", "e1", T0.AddMinutes(3));
        var updated = await ExpertAsync("e1", maxChats: 2, availability: "paused");
        Assert.Equal("paused", updated.Availability);
        Assert.Equal(["a"], updated.ActiveChats);
        Assert.Equal(T0.AddMinutes(3), updated.LastAssignedAt);
        Assert.True(updated.OnShift);
        Assert.Single(await Store.GetPresencesAsync());
        Assert.Null(await Store.GetPresenceAsync("nope"));
    }

    [Fact]
    public async Task TheEndOfAChatGivesItsExpertACoolDownThatKeepsNewChatsAwayUntilItIsOverOrEnded()
    {
        await ExpertAsync("e");
        await Store.AddQueuedAsync(Session("a"));
        await Store.AddQueuedAsync(Session("b", 1));
        await Store.AddQueuedAsync(Session("q", 2));
        Assert.Equal(AssignOutcome.Assigned, await Store.TryAssignAsync("a", "e", T0));
        // Ending a queued chat gives nobody a pause.
        await Store.TryEndAsync("q", "system", T0, Grace, TimeSpan.FromMinutes(2));
        Assert.Null((await Store.GetPresenceAsync("e"))!.CoolDownUntil);

        await Store.TryEndAsync("a", "expert", T0.AddMinutes(10), Grace, TimeSpan.FromMinutes(2));
        var e = (await Store.GetPresenceAsync("e"))!;
        Assert.Equal(T0.AddMinutes(12), e.CoolDownUntil);
        Assert.Empty(e.ActiveChats);
        Assert.Equal(AssignOutcome.ExpertUnavailable, await Store.TryAssignAsync("b", "e", T0.AddMinutes(11)));
        // Presence updates (availability, connection) keep it.
        await ExpertAsync("e");
        Assert.Equal(T0.AddMinutes(12), (await Store.GetPresenceAsync("e"))!.CoolDownUntil);
        Assert.Equal(AssignOutcome.Assigned, await Store.TryAssignAsync("b", "e", T0.AddMinutes(12)));

        await Store.TryEndAsync("b", "visitor", T0.AddMinutes(20), Grace, TimeSpan.FromMinutes(2));
        await Store.AddQueuedAsync(Session("c", 3));
        await Store.EndCoolDownAsync("e");
        Assert.Null((await Store.GetPresenceAsync("e"))!.CoolDownUntil);
        Assert.Equal(AssignOutcome.Assigned, await Store.TryAssignAsync("c", "e", T0.AddMinutes(20)));
        // No cool-down configured: none given.
        await Store.TryEndAsync("c", "expert", T0.AddMinutes(30), Grace);
        Assert.Null((await Store.GetPresenceAsync("e"))!.CoolDownUntil);
    }

    [Fact]
    public async Task AnExpertsEndOrTransferTakesEffectOnlyWhileTheChatIsStillTheirs()
    {
        await ExpertAsync("e1");
        await ExpertAsync("e2");
        await Store.AddQueuedAsync(Session("a"));
        await Store.TryAssignAsync("a", "e1", T0);
        // Passed on and taken by a colleague in between: the first expert's late end or transfer changes nothing.
        Assert.NotNull(await Store.TryRequeueAsync("a", "e1", T0.AddMinutes(1), onlyIfWith: "e1"));
        Assert.Equal(AssignOutcome.Assigned, await Store.TryAssignAsync("a", "e2", T0.AddMinutes(2)));
        Assert.Null(await Store.TryEndAsync("a", "expert", T0.AddMinutes(3), Grace, onlyIfWith: "e1"));
        Assert.Null(await Store.TryRequeueAsync("a", "e1", T0.AddMinutes(3), onlyIfWith: "e1"));
        var s = (await Store.GetSessionAsync("a"))!;
        Assert.Equal((ChatState.Active, "e2"), (s.State, s.ExpertId));
        Assert.NotNull(await Store.TryEndAsync("a", "expert", T0.AddMinutes(4), Grace, onlyIfWith: "e2"));
    }

    [Fact]
    public async Task TheLastTwentyChatLengthsAreKeptNewestFirst()
    {
        Assert.Empty(await Store.RecentChatLengthsAsync());
        for (var i = 1; i <= 25; i++) await Store.RecordChatLengthAsync(TimeSpan.FromMinutes(i));
        var recent = await Store.RecentChatLengthsAsync();
        Assert.Equal(20, recent.Count);
        Assert.Equal(TimeSpan.FromMinutes(25), recent[0]);
        Assert.Equal(TimeSpan.FromMinutes(6), recent[^1]);
    }

    private static ExpertPresence Account(string id, string name = "Sanne") => new()
    {
        ExpertId = id, DisplayName = name, Experience = "victim", MaxChats = 2, Gender = "woman", Languages = ["nl", "en"],
    };

    [Fact]
    public async Task PresenceChangesByIntentTouchOnlyWhatTheyName()
    {
        // A first connection: known, connected, offline until the expert chooses.
        var (before, after) = await Store.ConnectExpertAsync(Account("e"), T0);
        Assert.Null(before);
        Assert.Equal((true, "offline", 2, "woman"), (after!.Connected, after.Availability, after.MaxChats, after.Gender));

        after = (await Store.SetAvailabilityAsync(Account("e"), "available", T0.AddMinutes(1))).After!;
        Assert.Equal(("available", true), (after.Availability, after.Connected));
        await Store.AddQueuedAsync(Session("a"));
        await Store.TryAssignAsync("a", "e", T0.AddMinutes(1));

        // The console drops and comes back: availability, chats and the last assignment are kept; the account's fields refresh.
        var gone = await Store.DisconnectExpertAsync("e", T0.AddMinutes(2));
        Assert.Equal((true, false), (gone.Before!.Connected, gone.After!.Connected));
        (before, after) = await Store.ConnectExpertAsync(Account("e", "Sanne B."), T0.AddMinutes(3));
        Assert.False(before!.Connected);
        Assert.Equal(("available", "Sanne B.", 1), (after!.Availability, after.DisplayName, after.ActiveChats.Count));
        Assert.Equal(T0.AddMinutes(1), after.LastAssignedAt);

        // The sweep takes an expert off shift only if still gone since before the grace.
        await Store.DisconnectExpertAsync("e", T0.AddMinutes(4));
        Assert.Null((await Store.GoOfflineAsync("e", T0.AddMinutes(5), ifGoneBefore: T0.AddMinutes(3))).After); // gone only since 4
        await Store.ConnectExpertAsync(Account("e"), T0.AddMinutes(5));
        Assert.Null((await Store.GoOfflineAsync("e", T0.AddMinutes(9), ifGoneBefore: T0.AddMinutes(7))).After); // back: keeps the shift
        await Store.DisconnectExpertAsync("e", T0.AddMinutes(10));
        var off = (await Store.GoOfflineAsync("e", T0.AddMinutes(13), ifGoneBefore: T0.AddMinutes(11))).After!;
        Assert.Equal(("offline", 1), (off.Availability, off.ActiveChats.Count)); // the chat is the router's to requeue
        Assert.Equal("offline", (await Store.GoOfflineAsync("e", T0.AddMinutes(14))).After!.Availability);

        // Unknown experts change nothing.
        Assert.Equal(new PresenceUpdate(null, null), await Store.DisconnectExpertAsync("nobody", T0));
        Assert.Equal(new PresenceUpdate(null, null), await Store.GoOfflineAsync("nobody", T0));
        Assert.Null(await Store.GetPresenceAsync("nobody"));
    }

    [Fact]
    public async Task FeedbackIsMarkedOnceAndOnlyAfterTheEnd()
    {
        await ExpertAsync("e");
        await Store.AddQueuedAsync(Session("a"));
        Assert.False(await Store.TryMarkFeedbackAsync("a"));
        await Store.TryAssignAsync("a", "e", T0);
        Assert.False(await Store.TryMarkFeedbackAsync("a"));
        await Store.TryEndAsync("a", "expert", T0.AddMinutes(5), Grace);
        Assert.True(await Store.TryMarkFeedbackAsync("a"));
        Assert.False(await Store.TryMarkFeedbackAsync("a"));
        Assert.True((await Store.GetSessionAsync("a"))!.FeedbackGiven);
        Assert.False(await Store.TryMarkFeedbackAsync("unknown"));
    }

    [Fact]
    public async Task GenderAndLanguagesOfAnExpertAreKept()
    {
        await Store.UpsertPresenceAsync(new ExpertPresence
        {
            ExpertId = "g", DisplayName = "G", Experience = "both", MaxChats = 2, Gender = "man", Languages = ["nl", "en"],
            Availability = "available", Connected = true, ChangedAt = T0,
        });
        var e = (await Store.GetPresenceAsync("g"))!;
        Assert.Equal("man", e.Gender);
        Assert.Equal(["nl", "en"], e.Languages);
    }
}

public sealed class InMemoryLiveStoreTests : LiveStoreContract
{
    protected override ILiveStore Store { get; } = new InMemoryLiveStore();
}
