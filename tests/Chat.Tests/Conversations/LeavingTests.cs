using System.Net;
using System.Text;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Conversations;

/// <summary>
/// A visitor who leaves (LeaveChat, or quick exit through the beacon while the page goes away) leaves nothing to read
/// back; a visitor who vanished is not waited for; the visitor hears when the expert's connection drops.
/// </summary>
public sealed class LeavingTests
{
    [Fact]
    public async Task AfterLeavingTheResumeTokenReadsNothingBack()
    {
        await using var app = new ChatApp();
        await using var expert = await app.ExpertAsync(1);
        await using var visitor = await app.VisitorAsync();
        var start = await visitor.StartAsync();
        await expert.Inbox.Next("ChatAssigned");
        await visitor.SendAsync("v1", "iets wat niemand anders mag lezen");
        await visitor.Hub.InvokeAsync("LeaveChat");

        await using var nextUser = await app.VisitorAsync();
        var resumed = await nextUser.Hub.InvokeAsync<ResumeResult>("Resume", start.ResumeToken, 0L);
        Assert.Equal("ended", resumed.Status);
        Assert.Empty(resumed.Messages);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LeavingAfterTheExpertEndedStillKillsTheToken(bool beacon)
    {
        await using var app = new ChatApp();
        await using var expert = await app.ExpertAsync(1);
        await using var visitor = await app.VisitorAsync();
        var start = await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await expert.SendAsync(conversationId, "e1", "Bel 112 als het thuis misgaat.");
        await expert.Hub.InvokeAsync("EndChat", conversationId);
        await visitor.Inbox.Next("ChatEnded");
        // The visitor reads on, then leaves (or flees).
        if (beacon) await app.CreateClient().PostAsync("/api/visitor/leave", new StringContent(start.ResumeToken!, Encoding.UTF8, "text/plain"));
        else await visitor.Hub.InvokeAsync("LeaveChat");
        await using var nextUser = await app.VisitorAsync();
        var resumed = await nextUser.Hub.InvokeAsync<ResumeResult>("Resume", start.ResumeToken, 0L);
        Assert.Equal(("ended", 0), (resumed.Status, resumed.Messages.Count));
    }

    [Fact]
    public async Task TheQuickExitBeaconEndsTheChatOnTheServerAndKillsTheToken()
    {
        await using var app = new ChatApp();
        await using var expert = await app.ExpertAsync(1);
        await using var visitor = await app.VisitorAsync();
        var start = await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await visitor.SendAsync("v1", "hij komt eraan");

        var http = app.CreateClient();
        var bogus = await http.PostAsync("/api/visitor/leave", new StringContent("not-a-token", Encoding.UTF8, "text/plain"));
        var empty = await http.PostAsync("/api/visitor/leave", new StringContent("", Encoding.UTF8, "text/plain"));
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (bogus.StatusCode, empty.StatusCode));
        Assert.Equal("active", (await visitor.Hub.InvokeAsync<ResumeResult>("Resume", start.ResumeToken, 0L)).Status); // nothing changed

        // The page is gone (no hub call); the beacon alone ends the chat.
        var beacon = await http.PostAsync("/api/visitor/leave", new StringContent(start.ResumeToken!, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.NoContent, beacon.StatusCode);
        var ended = await expert.Inbox.Until("ChatEnded", e => e.GetProperty("conversationId").GetString() == conversationId);
        Assert.Equal("visitor", ended.GetProperty("endedBy").GetString());
        var resumed = await visitor.Hub.InvokeAsync<ResumeResult>("Resume", start.ResumeToken, 0L);
        Assert.Equal(("ended", 0), (resumed.Status, resumed.Messages.Count));
    }

    [Fact]
    public async Task AnActiveChatWhoseVisitorStaysAwayEnds()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = new ChatApp { Clock = clock };
        await using var expert = await app.ExpertAsync(1);
        var visitor = await app.VisitorAsync();
        var start = await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Services.GetRequiredService<IConnectionTracker>().VisitorGone += _ => gone.TrySetResult();
        await visitor.DisposeAsync();
        await gone.Task.WaitAsync(Inbox.Timeout);

        clock.Advance(TimeSpan.FromMinutes(5)); // past the reconnect grace: an active chat is kept
        await app.Sweeper.SweepAsync();
        Assert.Empty(expert.Inbox.Drain("ChatEnded"));
        clock.Advance(TimeSpan.FromMinutes(6)); // past Chat:VisitorAbsentEnd (10 minutes)
        await app.Sweeper.SweepAsync();
        var ended = await expert.Inbox.Until("ChatEnded", e => e.GetProperty("conversationId").GetString() == conversationId);
        Assert.Equal("system", ended.GetProperty("endedBy").GetString());
        Assert.NotEqual(JsonValueKindNull, ended.GetProperty("form").ValueKind); // an answered chat still gets its form
        _ = start;
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task TheVisitorHearsWhenTheExpertsConnectionDropsAndComesBack()
    {
        await using var app = new ChatApp();
        var expert = await app.ExpertAsync(1);
        await using var visitor = await app.VisitorAsync();
        await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await expert.DisposeAsync();
        var away = await visitor.Inbox.Next("ExpertConnectionChanged");
        Assert.Equal((conversationId, false), (away.GetProperty("conversationId").GetString(), away.GetProperty("connected").GetBoolean()));
        await using var back = await app.ExpertAsync(1, availability: "offline");
        var again = await visitor.Inbox.Next("ExpertConnectionChanged");
        Assert.True(again.GetProperty("connected").GetBoolean());
    }
}

public sealed class PurgeWithoutRecordsTests
{
    [Fact]
    public async Task EndedTranscriptsArePurgedAfterTheGraceEvenWhileTheRecordsDatabaseIsGone()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        var db = Path.Combine(dir, "records.db");
        await using var app = new ChatApp(new() { ["ConnectionStrings:Records"] = $"Data Source={db};Pooling=false" }) { Clock = clock };
        await using var expert = await app.ExpertAsync(1);
        await using var visitor = await app.VisitorAsync();
        await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await visitor.SendAsync("v1", "iets persoonlijks");
        await visitor.Hub.InvokeAsync("LeaveChat");
        await expert.Inbox.Next("ChatEnded");

        File.Delete(db); // the records database is gone (every later call to it fails)
        clock.Advance(TimeSpan.FromMinutes(16));
        await Assert.ThrowsAnyAsync<Exception>(() => app.Sweeper.SweepAsync()); // the sweep's records work fails ...
        var store = app.Services.GetRequiredService<Chat.Server.Live.ILiveStore>();
        Assert.Null(await store.FindByConversationAsync(conversationId)); // ... but the transcript went first
        Assert.Empty(await store.GetMessagesAsync(conversationId, 0));
        try { Directory.Delete(dir, true); } catch (IOException) { /* best effort */ }
    }
}
