using System.Text.Json;
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
