using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Conversations;

/// <summary>
/// Triage, in both modes: a visitor who says they are in danger now goes first, keeps their place while calling 112,
/// and the form after the chat says so. (Every visitor of ChatApp shares one address: a second "yes" waits as anyone.)
/// </summary>
public abstract class TriageTests : IAsyncLifetime
{
    protected readonly ManualClock Clock = new(DateTimeOffset.UtcNow);
    private ChatApp _app = null!;

    protected abstract Dictionary<string, string?> Mode();

    public Task InitializeAsync()
    {
        var settings = Mode();
        settings["Chat:CoolDown"] = "00:00:01";
        // Every visitor here shares one address; the load test starts 43 chats from it.
        settings["Abuse:MaxOpenChatsPerAddress"] = "100";
        settings["Abuse:ChatsPerAddressPerHour"] = "100";
        settings["Abuse:MaxQueue"] = "100";
        _app = new ChatApp(settings) { Clock = Clock };
        _ = _app.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task AVisitorInDangerBehindAFullQueueIsTheNextAssignedAndTheFormSaysAcute()
    {
        await using var expert = await _app.ExpertAsync(1, "paused"); // open, takes nobody yet
        var waiting = new List<Visitor>();
        for (var i = 0; i < 6; i++)
        {
            var v = await _app.VisitorAsync();
            waiting.Add(v);
            Clock.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(i + 1, (await v.StartAsync(new { about = "victim" })).Position);
        }
        Clock.Advance(TimeSpan.FromSeconds(30));
        await using var danger = await _app.VisitorAsync();
        var start = await danger.StartAsync(new { inDanger = true, preferredGender = "man" }); // Sanne is a woman: given way at once
        Assert.Equal(1, start.Position);
        // The six who waited are told they moved one place back; nobody else changed order.
        await waiting[0].Inbox.Until("QueueUpdated", q => q.GetProperty("position").GetInt32() == 2);

        // A second "yes" from the same address waits as anyone else does.
        Clock.Advance(TimeSpan.FromSeconds(30));
        await using var again = await _app.VisitorAsync();
        var second = await again.StartAsync(new { inDanger = true });
        Assert.Equal(8, second.Position);

        await expert.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
        var assigned = await expert.Inbox.Next("ChatAssigned");
        var started = await danger.Inbox.Next("ChatStarted");
        var conversationId = assigned.GetProperty("conversationId").GetString()!;
        Assert.Equal(conversationId, started.GetProperty("conversationId").GetString());
        Assert.Equal("answer", assigned.GetProperty("visitor").GetProperty("urgent").GetProperty("reason").GetString());

        await expert.Hub.InvokeAsync("EndChat", conversationId);
        var ended = await expert.Inbox.Until("ChatEnded", e => e.GetProperty("conversationId").GetString() == conversationId);
        Assert.Equal("acute", ended.GetProperty("form").GetProperty("safety").GetString());
        foreach (var v in waiting) await v.DisposeAsync();
    }

    [Fact]
    public async Task AVisitorInDangerKeepsTheirPlaceWhileAwayAndAnotherDoesNot()
    {
        await using var expert = await _app.ExpertAsync(1, "paused");
        var tracker = _app.Services.GetRequiredService<IConnectionTracker>();
        async Task<string> StartAndGoAsync(object request)
        {
            var v = await _app.VisitorAsync();
            var r = await v.StartAsync(request);
            var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            tracker.VisitorGone += id => { if (id == r.SessionId) gone.TrySetResult(); };
            await v.DisposeAsync();
            await gone.Task.WaitAsync(Inbox.Timeout);
            return r.ResumeToken!;
        }
        var normalToken = await StartAndGoAsync(new { about = "victim" });
        var dangerToken = await StartAndGoAsync(new { inDanger = true });

        Clock.Advance(TimeSpan.FromMinutes(5)); // past Chat:VisitorReconnectGrace (2 minutes): a 112 call takes longer
        await _app.Sweeper.SweepAsync();
        await using var reader = await _app.VisitorAsync();
        var normal = await reader.Hub.InvokeAsync<ResumeResult>("Resume", normalToken, 0L);
        var kept = await reader.Hub.InvokeAsync<ResumeResult>("Resume", dangerToken, 0L);
        Assert.Equal("ended", normal.Status);
        Assert.Equal(("queued", 1), (kept.Status, kept.Position));

        // Reading it back was a connection too: gone again from now, the 30 minutes count from here.
        var goneAgain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dangerSession = (await _app.Services.GetRequiredService<Chat.Server.Live.ILiveStore>().FindByResumeTokenHashAsync(ResumeTokens.Hash(dangerToken)))!.SessionId;
        tracker.VisitorGone += id => { if (id == dangerSession) goneAgain.TrySetResult(); };
        await reader.DisposeAsync();
        await goneAgain.Task.WaitAsync(Inbox.Timeout);
        Clock.Advance(TimeSpan.FromMinutes(29));
        await _app.Sweeper.SweepAsync();
        await using var later = await _app.VisitorAsync();
        var stillKept = await later.Hub.InvokeAsync<ResumeResult>("Resume", dangerToken, 0L);
        Assert.Equal("queued", stillKept.Status);
        var goneOnceMore = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tracker.VisitorGone += id => { if (id == dangerSession) goneOnceMore.TrySetResult(); };
        await later.DisposeAsync();
        await goneOnceMore.Task.WaitAsync(Inbox.Timeout);
        Clock.Advance(TimeSpan.FromMinutes(31)); // past Triage:InDangerReconnectGrace (30 minutes)
        await _app.Sweeper.SweepAsync();
        await using var last = await _app.VisitorAsync();
        Assert.Equal("ended", (await last.Hub.InvokeAsync<ResumeResult>("Resume", dangerToken, 0L)).Status);
    }

    [Fact]
    public async Task AnUrgentWordWhileWaitingPutsTheVisitorFirstShows112AndIsNeitherLoggedNorCounted()
    {
        await using var expert = await _app.ExpertAsync(1, "paused");
        await using var first = await _app.VisitorAsync();
        await first.StartAsync(new { about = "victim" });
        Clock.Advance(TimeSpan.FromSeconds(30));
        await using var second = await _app.VisitorAsync();
        Assert.Equal(2, (await second.StartAsync(new { about = "victim" })).Position);

        // Ordinary words change nothing; "mesjes" is not "mes" (whole words).
        await second.SendAsync("m1", "Ik wil praten over vorig jaar, we hadden ruzie over de mesjes in de la.");
        Assert.Equal(2, (await _app.Queue.PositionAsync((await _app.Services.GetRequiredService<Chat.Server.Live.ILiveStore>().GetQueueAsync())[1])).Position);
        const string secret = "Hij staat voor de DÉUR, met een mes!";
        await second.SendAsync("m2", secret);
        var update = await second.Inbox.Until("QueueUpdated", q => q.GetProperty("urgent").GetBoolean());
        Assert.Equal(1, update.GetProperty("position").GetInt32());
        await first.Inbox.Until("QueueUpdated", q => q.GetProperty("position").GetInt32() == 2 && !q.GetProperty("urgent").GetBoolean());
        var changed = await expert.Inbox.Until("QueueChanged", q => q.GetProperty("danger").GetInt32() == 1);
        Assert.Equal(2, changed.GetProperty("waiting").GetInt32());

        await expert.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
        var assigned = await expert.Inbox.Next("ChatAssigned");
        Assert.Equal("words", assigned.GetProperty("visitor").GetProperty("urgent").GetProperty("reason").GetString());
        var conversationId = assigned.GetProperty("conversationId").GetString()!;
        await expert.Hub.InvokeAsync("EndChat", conversationId);
        var ended = await expert.Inbox.Until("ChatEnded", e => e.GetProperty("conversationId").GetString() == conversationId);
        Assert.Equal("concern", ended.GetProperty("form").GetProperty("safety").GetString());

        // Nothing the visitor wrote, and no word of the list, in the log.
        Assert.DoesNotContain(_app.Logs.Lines, l => l.Contains("DÉUR", StringComparison.OrdinalIgnoreCase) || l.Contains("deur", StringComparison.OrdinalIgnoreCase)
            || l.Contains(" mes", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TakeUrgentLetsAPausedExpertChooseTheVisitorInDangerOnceAndNotAnyoneElse()
    {
        await using var sanne = await _app.ExpertAsync(1, "paused");
        await using var two = await _app.ExpertAsync(2, "paused");
        await using var normal = await _app.VisitorAsync();
        await normal.StartAsync(new { about = "victim" });
        // Nobody in danger: nothing to take.
        Assert.Null(await sanne.Hub.InvokeAsync<ChatAssigned?>("TakeUrgent"));
        Clock.Advance(TimeSpan.FromSeconds(10));
        await using var danger = await _app.VisitorAsync();
        await danger.StartAsync(new { inDanger = true });
        await sanne.Inbox.Until("QueueChanged", q => q.GetProperty("danger").GetInt32() == 1);

        var taken = await Task.WhenAll(sanne.Hub.InvokeAsync<ChatAssigned?>("TakeUrgent"), two.Hub.InvokeAsync<ChatAssigned?>("TakeUrgent"));
        var winner = Assert.Single(taken, t => t is not null)!;
        Assert.Equal("answer", winner.Visitor.Urgent!.Reason);
        await danger.Inbox.Next("ChatStarted");
        // The visitor who is not in danger still waits: TakeUrgent takes nobody else.
        Assert.Equal(1, (await _app.Queue.SummaryAsync()).Waiting);
        Assert.Equal(0, (await _app.Queue.SummaryAsync()).Danger);

        // Offline: refused with a clear reason, nothing changes.
        var loser = taken[0] is null ? sanne : two;
        await loser.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "offline");
        var refused = await Assert.ThrowsAsync<HubException>(() => loser.Hub.InvokeAsync<ChatAssigned?>("TakeUrgent"));
        Assert.Contains("beschikbaar of pauze", refused.Message);
    }

    [Fact]
    public async Task WaitsPerTierAndTheReasonsCrossedWithSafetyAreInTheStatisticsAndTheCsv()
    {
        await using var expert = await _app.ExpertAsync(1, "paused");
        await using var danger = await _app.VisitorAsync();
        await danger.StartAsync(new { inDanger = true });
        Clock.Advance(TimeSpan.FromMinutes(2));
        await expert.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
        var assigned = await expert.Inbox.Next("ChatAssigned");
        var conversationId = assigned.GetProperty("conversationId").GetString()!;
        await expert.Hub.InvokeAsync("EndChat", conversationId);
        await expert.Inbox.Until("ChatEnded", e => e.GetProperty("conversationId").GetString() == conversationId);
        await using var leaver = await _app.VisitorAsync();
        await leaver.StartAsync(new { about = "victim" });
        await leaver.Hub.InvokeAsync("LeaveChat");

        using var client = await _app.ExpertClientAsync(1);
        var form = await client.PostAsJsonAsync("/api/contacts", new
        {
            conversationId, durationMinutes = 5, conversation = "first", contactType = "website-chat", contactSeeker = "victim",
            referralSources = Array.Empty<string>(), support = Array.Empty<string>(), professionalHelp = Array.Empty<string>(), safety = "concern",
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, form.StatusCode);

        using var coordinator = await _app.CoordinatorClientAsync();
        var day = Clock.GetUtcNow().UtcDateTime.Date;
        var range = $"from={day.AddDays(-1):yyyy-MM-dd}&to={day.AddDays(1):yyyy-MM-dd}";
        var report = await coordinator.GetFromJsonAsync<JsonElement>($"/api/statistics?{range}");
        var tiers = report.GetProperty("triage").GetProperty("tiers").EnumerateArray().ToDictionary(t => t.GetProperty("priority").GetString()!);
        Assert.Equal((1, 1), (tiers["danger"].GetProperty("requests").GetInt32(), tiers["danger"].GetProperty("answered").GetInt32()));
        Assert.InRange(tiers["danger"].GetProperty("medianWaitSeconds").GetInt32(), 91, 120); // 2 minutes: the 90..120 s bucket
        Assert.Equal((1, 0), (tiers["normal"].GetProperty("requests").GetInt32(), tiers["normal"].GetProperty("answered").GetInt32()));
        Assert.Equal(JsonValueKind.Null, tiers["normal"].GetProperty("medianWaitSeconds").ValueKind);
        var answer = report.GetProperty("triage").GetProperty("reasons").EnumerateArray().Single(r => r.GetProperty("reason").GetString() == "answer");
        Assert.Equal(1, answer.GetProperty("contacts").GetInt32());
        Assert.Equal(1, answer.GetProperty("safety").GetProperty("concern").GetInt32()); // the expert changed "acute" to "concern"
        var csv = await coordinator.GetStringAsync($"/api/statistics/export.csv?{range}");
        Assert.Contains("Wachttijd per voorrang", csv);
        Assert.Contains("\"zelf aangegeven: in gevaar\";1;0;1;0", csv);
    }

    [Fact]
    public async Task WithFortyWaitingAndTwoBusyExpertsAVisitorInDangerWhoArrivesLastGetsTheNextFreePlace()
    {
        // 42 starts from one address: this test is about the order, not the per-address limits.
        await using var sanne = await _app.ExpertAsync(1);
        await using var ruben = await _app.ExpertAsync(2);
        var visitors = new List<Visitor>();
        for (var i = 0; i < 42; i++)
        {
            var v = await _app.VisitorAsync();
            visitors.Add(v);
            await v.StartAsync(new { about = "victim" });
            Clock.Advance(TimeSpan.FromSeconds(5));
        }
        var first = await sanne.Inbox.Next("ChatAssigned");
        await ruben.Inbox.Next("ChatAssigned");
        Assert.Equal(40, (await _app.Queue.SummaryAsync()).Waiting);

        await using var danger = await _app.VisitorAsync();
        var start = await danger.StartAsync(new { inDanger = true });
        Assert.Equal(1, start.Position); // counts only the visitors in danger before them
        Clock.Advance(TimeSpan.FromSeconds(40));
        await sanne.Hub.InvokeAsync("EndChat", first.GetProperty("conversationId").GetString());
        Clock.Advance(TimeSpan.FromSeconds(1)); // past the cool-down of this test (1 s)
        await _app.Sweeper.SweepAsync();
        var next = await sanne.Inbox.Next("ChatAssigned");
        Assert.Equal("answer", next.GetProperty("visitor").GetProperty("urgent").GetProperty("reason").GetString());
        Assert.Equal(41, next.GetProperty("visitor").GetProperty("waitedSeconds").GetInt32());
        await danger.Inbox.Next("ChatStarted");
        Assert.Equal(40, (await _app.Queue.SummaryAsync()).Waiting);
        foreach (var v in visitors) await v.DisposeAsync();
    }
}

public sealed class EmbeddedTriageTests : TriageTests
{
    protected override Dictionary<string, string?> Mode() => new();
}

[Collection(RedisCollection.Name)]
public sealed class RedisTriageTests(RedisServer redis) : TriageTests
{
    protected override Dictionary<string, string?> Mode() => new()
    {
        ["ConnectionStrings:Redis"] = redis.ConnectionString,
        ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():n}:",
    };
}
