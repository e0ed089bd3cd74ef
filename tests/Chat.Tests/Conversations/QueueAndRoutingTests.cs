using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Conversations;

public sealed class QueueAndRoutingTests : IAsyncLifetime
{
    private readonly ChatApp _app = new();
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ChatIsClosedWhenNobodyIsOnShift()
    {
        var status = await _app.CreateClient().GetFromJsonAsync<JsonElement>("/api/status");
        Assert.False(status.GetProperty("open").GetBoolean());
        Assert.Equal(0, status.GetProperty("waiting").GetInt32());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("estimatedWaitSeconds").ValueKind);
        Assert.True(status.TryGetProperty("nextOpening", out _));

        await using var visitor = await _app.VisitorAsync();
        var result = await visitor.StartAsync();
        Assert.Equal("closed", result.Status);
        Assert.Null(result.SessionId);
        Assert.Null(result.ResumeToken);
    }

    [Fact]
    public async Task VisitorIsQueuedWhenNoExpertIsAvailable()
    {
        await using var expert = await _app.ExpertAsync(1, "paused");
        var status = await _app.CreateClient().GetFromJsonAsync<JsonElement>("/api/status");
        Assert.True(status.GetProperty("open").GetBoolean());

        await using var visitor = await _app.VisitorAsync();
        var result = await visitor.StartAsync(new { about = "victim", preferredExperience = "any", followUp = false, referral = "flyer-victims" });
        Assert.Equal("queued", result.Status);
        Assert.Equal(1, result.Position);
        Assert.False(string.IsNullOrEmpty(result.SessionId));
        Assert.False(string.IsNullOrEmpty(result.ResumeToken));

        var queue = await expert.Inbox.Until("QueueChanged", q => q.GetProperty("waiting").GetInt32() == 1);
        Assert.True(queue.GetProperty("longestWaitSeconds").GetInt32() >= 0);
        status = await _app.CreateClient().GetFromJsonAsync<JsonElement>("/api/status");
        Assert.Equal(1, status.GetProperty("waiting").GetInt32());
    }

    [Fact]
    public async Task AvailableExpertIsAssignedAtOnceAndBothSidesAreTold()
    {
        await using var expert = await _app.ExpertAsync(1);
        await using var visitor = await _app.VisitorAsync();
        var result = await visitor.StartAsync(new { about = "perpetrator", followUp = true, referral = "giveaway-card", language = "nl" });

        var assigned = await expert.Inbox.Next("ChatAssigned");
        var started = await visitor.Inbox.Next("ChatStarted");
        var conversationId = assigned.GetProperty("conversationId").GetString();
        Assert.Equal(conversationId, started.GetProperty("conversationId").GetString());
        Assert.Equal("Sanne", started.GetProperty("expert").GetProperty("displayName").GetString());
        Assert.Equal("victim", started.GetProperty("expert").GetProperty("experience").GetString());
        var v = assigned.GetProperty("visitor");
        Assert.Equal("perpetrator", v.GetProperty("about").GetString());
        Assert.Equal("any", v.GetProperty("preferredExperience").GetString());
        Assert.True(v.GetProperty("followUp").GetBoolean());
        Assert.Equal("giveaway-card", v.GetProperty("referral").GetString());
        Assert.Equal("nl", v.GetProperty("language").GetString());
        Assert.True(v.GetProperty("waitedSeconds").GetInt32() >= 0);
        Assert.Equal("active", result.Status);
    }

    [Fact]
    public async Task LongestWaitingVisitorGoesFirstWhenAnExpertBecomesAvailable()
    {
        await using var expert = await _app.ExpertAsync(1, "paused");
        await using var first = await _app.VisitorAsync();
        await using var second = await _app.VisitorAsync();
        await first.StartAsync();
        var r2 = await second.StartAsync();
        Assert.Equal(2, r2.Position);

        await expert.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
        var assigned = await expert.Inbox.Next("ChatAssigned");
        var started = await first.Inbox.Next("ChatStarted");
        Assert.Equal(assigned.GetProperty("conversationId").GetString(), started.GetProperty("conversationId").GetString());
        await second.Inbox.Until("QueueUpdated", q => q.GetProperty("position").GetInt32() == 1);
    }

    [Fact]
    public async Task EndingAChatAssignsTheNextWaitingVisitor()
    {
        await using var expert = await _app.ExpertAsync(1);
        await using var first = await _app.VisitorAsync();
        await using var second = await _app.VisitorAsync();
        await first.StartAsync();
        var a1 = await expert.Inbox.Next("ChatAssigned");
        Assert.Equal("queued", (await second.StartAsync()).Status);

        await expert.Hub.InvokeAsync("EndChat", a1.GetProperty("conversationId").GetString());
        var endedForVisitor = await first.Inbox.Next("ChatEnded");
        Assert.Equal("expert", endedForVisitor.GetProperty("endedBy").GetString());
        var endedForExpert = await expert.Inbox.Next("ChatEnded");
        Assert.True(endedForExpert.GetProperty("durationSeconds").GetInt32() >= 0);
        var form = endedForExpert.GetProperty("form");
        Assert.Equal("website-chat", form.GetProperty("contactType").GetString());
        Assert.Equal(1, form.GetProperty("durationMinutes").GetInt32());

        var a2 = await expert.Inbox.Next("ChatAssigned");
        var s2 = await second.Inbox.Next("ChatStarted");
        Assert.Equal(a2.GetProperty("conversationId").GetString(), s2.GetProperty("conversationId").GetString());
    }

    [Fact]
    public async Task VisitorLeavingTheQueueIsRemovedAndExpertsAreTold()
    {
        await using var expert = await _app.ExpertAsync(1, "paused");
        await using var visitor = await _app.VisitorAsync();
        await visitor.StartAsync();
        await expert.Inbox.Until("QueueChanged", q => q.GetProperty("waiting").GetInt32() == 1);
        await visitor.Hub.InvokeAsync("LeaveChat");
        await expert.Inbox.Until("QueueChanged", q => q.GetProperty("waiting").GetInt32() == 0);
        var ended = await visitor.Inbox.Next("ChatEnded");
        Assert.Equal("visitor", ended.GetProperty("endedBy").GetString());
    }

    [Fact]
    public async Task ExpertWithCapacityForTwoGetsTwoChats()
    {
        await using var app = new ChatApp();
        // expert2 gets MaxChats 2 through the account store.
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Chat.Server.Accounts.ChatUser>>();
            var u = await users.FindByNameAsync("expert2");
            u!.MaxChats = 2;
            await users.UpdateAsync(u);
        }
        await using var expert = await app.ExpertAsync(2);
        await using var v1 = await app.VisitorAsync();
        await using var v2 = await app.VisitorAsync();
        await using var v3 = await app.VisitorAsync();
        Assert.Equal("active", (await v1.StartAsync()).Status);
        Assert.Equal("active", (await v2.StartAsync()).Status);
        Assert.Equal("queued", (await v3.StartAsync()).Status);
    }

    [Fact]
    public async Task PreferenceIsMatchedAndFallsBackToAnyoneAfterTheConfiguredWait()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = new ChatApp { Clock = clock };
        await using var victimExpert = await app.ExpertAsync(1); // former victim
        await using var visitor = await app.VisitorAsync();
        var r = await visitor.StartAsync(new { preferredExperience = "perpetrator" });
        Assert.Equal("queued", r.Status); // nobody with that experience is on shift

        clock.Advance(TimeSpan.FromMinutes(4)); // past the 3-minute fallback
        await app.Sweeper.SweepAsync();
        await visitor.Inbox.Next("ChatStarted");
        await victimExpert.Inbox.Next("ChatAssigned");
    }

    [Fact]
    public async Task PerpetratorPreferenceGoesToTheFormerPerpetrator()
    {
        await using var e1 = await _app.ExpertAsync(1);
        await using var e2 = await _app.ExpertAsync(2);
        await using var visitor = await _app.VisitorAsync();
        await visitor.StartAsync(new { preferredExperience = "perpetrator" });
        var started = await visitor.Inbox.Next("ChatStarted");
        Assert.Equal("Ruben", started.GetProperty("expert").GetProperty("displayName").GetString());
        await e2.Inbox.Next("ChatAssigned");
    }

    [Fact]
    public async Task QueuedVisitorWhoClosedTheBrowserLeavesTheQueueAfterTheGrace()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = new ChatApp { Clock = clock };
        await using var expert = await app.ExpertAsync(1, "paused");
        var visitor = await app.VisitorAsync();
        var session = (await visitor.StartAsync()).SessionId;
        await expert.Inbox.Until("QueueChanged", q => q.GetProperty("waiting").GetInt32() == 1);
        var gone = new TaskCompletionSource();
        app.Services.GetRequiredService<IConnectionTracker>().VisitorGone += id => { if (id == session) gone.TrySetResult(); };
        await visitor.DisposeAsync();
        await gone.Task.WaitAsync(Inbox.Timeout);

        clock.Advance(TimeSpan.FromMinutes(3));
        await app.Sweeper.SweepAsync();
        await expert.Inbox.Until("QueueChanged", q => q.GetProperty("waiting").GetInt32() == 0);
    }

    [Fact]
    public async Task ChatsOfAnExpertWhoIsGoneReturnToTheFrontOfTheQueue()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = new ChatApp { Clock = clock };
        var gone = await app.ExpertAsync(1);
        await using var visitor = await app.VisitorAsync();
        await visitor.StartAsync();
        await visitor.Inbox.Next("ChatStarted");
        var left = new TaskCompletionSource();
        app.Services.GetRequiredService<IConnectionTracker>().ExpertGone += _ => left.TrySetResult();
        await gone.DisposeAsync();
        await left.Task.WaitAsync(Inbox.Timeout);

        await using var other = await app.ExpertAsync(2);
        clock.Advance(TimeSpan.FromMinutes(3));
        await app.Sweeper.SweepAsync();
        var system = await visitor.Inbox.Until("MessageReceived", m => m.GetProperty("from").GetString() == "system");
        Assert.Contains("wachtrij", system.GetProperty("text").GetString());
        var started = await visitor.Inbox.Next("ChatStarted");
        Assert.Equal("Ruben", started.GetProperty("expert").GetProperty("displayName").GetString());
        var assigned = await other.Inbox.Next("ChatAssigned");
        Assert.Equal(1, assigned.GetProperty("messages").GetArrayLength()); // the history came along
    }

    [Fact]
    public async Task ManyVisitorsAndExpertsNeverDoubleAssign()
    {
        await using var e1 = await _app.ExpertAsync(1, "paused");
        await using var e2 = await _app.ExpertAsync(2, "paused");
        var visitors = new List<Visitor>();
        for (var i = 0; i < 12; i++) visitors.Add(await _app.VisitorAsync());
        await Task.WhenAll(visitors.Select(v => v.StartAsync()));
        await Task.WhenAll(
            e1.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available"),
            e2.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available"));
        var a1 = await e1.Inbox.Next("ChatAssigned");
        var a2 = await e2.Inbox.Next("ChatAssigned");
        Assert.NotEqual(a1.GetProperty("conversationId").GetString(), a2.GetProperty("conversationId").GetString());
        var status = await _app.CreateClient().GetFromJsonAsync<JsonElement>("/api/status");
        Assert.Equal(10, status.GetProperty("waiting").GetInt32());
        foreach (var v in visitors) await v.DisposeAsync();
    }

    [Fact]
    public async Task AnExpertPassesAChatOnToAColleagueWithTheHistory()
    {
        await using var e1 = await _app.ExpertAsync(1);
        await using var visitor = await _app.VisitorAsync();
        await visitor.StartAsync();
        var conversationId = (await e1.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await visitor.Inbox.Next("ChatStarted");
        await visitor.SendAsync("v1", "Ik wil liever met een man praten.");
        await using var e2 = await _app.ExpertAsync(2, "available");

        await e1.Hub.InvokeAsync("TransferChat", conversationId);
        var ended = await e1.Inbox.Next("ChatEnded");
        Assert.True(ended.GetProperty("transferred").GetBoolean());
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("form").ValueKind); // the colleague files the form
        Assert.Equal("transfer", (await visitor.Inbox.Next("BackInQueue")).GetProperty("reason").GetString());
        var system = await visitor.Inbox.Until("MessageReceived", m => m.GetProperty("from").GetString() == "system");
        Assert.Contains("doorverbonden", system.GetProperty("text").GetString());

        // Ruben gets it, not Sanne, though Sanne is free and idle longer.
        var assigned = await e2.Inbox.Next("ChatAssigned");
        Assert.Equal(conversationId, assigned.GetProperty("conversationId").GetString());
        Assert.Equal(2, assigned.GetProperty("messages").GetArrayLength());
        Assert.Equal("Ruben", (await visitor.Inbox.Next("ChatStarted")).GetProperty("expert").GetProperty("displayName").GetString());
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => e1.SendAsync(conversationId, "late", "nog iets"));
    }
}
