using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Accounts;
using Chat.Server.Roster;
using Chat.Server.Storage;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Conversations;

/// <summary>
/// Matching on gender and language with one honest fallback, the cool-down, no new chat at the end of a planned shift,
/// debrief requests and the visitors' feedback: each rule with a controlled clock, in both modes.
/// </summary>
public abstract class WellbeingTests : IAsyncLifetime
{
    protected readonly ManualClock Clock = new(DateTimeOffset.UtcNow);
    private ChatApp _app = null!;

    protected abstract Dictionary<string, string?> Mode();

    public Task InitializeAsync()
    {
        var settings = Mode();
        settings["Chat:CoolDown"] = "00:02:00";
        _app = new ChatApp(settings) { Clock = Clock };
        _ = _app.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(Visitor Visitor, string ConversationId)> ChatWithAsync(Expert expert, object? request = null)
    {
        await expert.Hub.InvokeAsync("EndCoolDown"); // ready at once (a no-op without a cool-down)
        var visitor = await _app.VisitorAsync();
        await visitor.StartAsync(request);
        await visitor.Inbox.Next("ChatStarted");
        var assigned = await expert.Inbox.Next("ChatAssigned");
        return (visitor, assigned.GetProperty("conversationId").GetString()!);
    }

    [Fact]
    public async Task AfterEachChatTheExpertGetsACoolDownThatTheConsoleShowsAndCanEndEarly()
    {
        await using var expert = await _app.ExpertAsync(1);
        var (first, conversationId) = await ChatWithAsync(expert);
        await using var _ = first;
        await expert.Hub.InvokeAsync("EndChat", conversationId);
        var ended = await expert.Inbox.Next("ChatEnded");
        var until = ended.GetProperty("coolDownUntil").GetDateTimeOffset();
        Assert.Equal(Clock.GetUtcNow().AddMinutes(2), until, TimeSpan.FromSeconds(1));

        await using var next = await _app.VisitorAsync();
        Assert.Equal("queued", (await next.StartAsync()).Status);
        var state = await expert.Hub.InvokeAsync<JsonElement>("GetState");
        Assert.Equal(until, state.GetProperty("coolDownUntil").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1)); // Redis keeps ms
        var why = await expert.Hub.InvokeAsync<JsonElement>("GetQueueStatus");
        Assert.Equal(1, why.GetProperty("waiting").GetInt32());
        Assert.Equal("cool-down", why.GetProperty("notYours").GetString());
        Assert.Equal(until, why.GetProperty("until").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));

        await expert.Hub.InvokeAsync("EndCoolDown"); // "Ik ben er klaar voor"
        await next.Inbox.Next("ChatStarted");
        await expert.Inbox.Next("ChatAssigned");
        state = await expert.Hub.InvokeAsync<JsonElement>("GetState");
        Assert.Equal(JsonValueKind.Null, state.GetProperty("coolDownUntil").ValueKind);
    }

    [Fact]
    public async Task TheCoolDownEndsByItselfAndTheNextVisitorIsAssigned()
    {
        await using var expert = await _app.ExpertAsync(1);
        var (first, conversationId) = await ChatWithAsync(expert);
        await first.Hub.InvokeAsync("LeaveChat");
        await expert.Inbox.Next("ChatEnded");
        await using var next = await _app.VisitorAsync();
        Assert.Equal("queued", (await next.StartAsync()).Status);
        Clock.Advance(TimeSpan.FromSeconds(119));
        await _app.Sweeper.SweepAsync();
        Assert.Equal("cool-down", (await expert.Hub.InvokeAsync<JsonElement>("GetQueueStatus")).GetProperty("notYours").GetString());
        Clock.Advance(TimeSpan.FromSeconds(1));
        await _app.Sweeper.SweepAsync();
        await next.Inbox.Next("ChatStarted");
        Assert.NotEqual(conversationId, (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString());
        await first.DisposeAsync();
    }

    [Fact]
    public async Task NoNewChatInTheLastMinutesOfAPlannedShiftButTheRunningOneGoesOn()
    {
        await using var expert = await _app.ExpertAsync(1);
        await PlanAsync("expert1", Clock.GetUtcNow().AddHours(-2), Clock.GetUtcNow().AddMinutes(8));
        await using var visitor = await _app.VisitorAsync();
        Assert.Equal("queued", (await visitor.StartAsync()).Status);
        var why = await expert.Hub.InvokeAsync<JsonElement>("GetQueueStatus");
        Assert.Equal("shift-ending", why.GetProperty("notYours").GetString());
        Assert.Equal(Clock.GetUtcNow().AddMinutes(8), why.GetProperty("until").GetDateTimeOffset(), TimeSpan.FromSeconds(1));

        // Past the planned end the expert is still really on shift: a new chat may come again.
        Clock.Advance(TimeSpan.FromMinutes(9));
        await _app.Sweeper.SweepAsync();
        await visitor.Inbox.Next("ChatStarted");
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString();

        // A chat that runs into the last minutes of a (next) shift is never cut off.
        await PlanAsync("expert1", Clock.GetUtcNow().AddMinutes(1), Clock.GetUtcNow().AddMinutes(5));
        Clock.Advance(TimeSpan.FromMinutes(2));
        await _app.Sweeper.SweepAsync();
        await expert.SendAsync(conversationId!, "m1", "Ik ben er nog.");
        await visitor.Inbox.Until("MessageReceived", m => m.GetProperty("text").GetString() == "Ik ben er nog.");
    }

    private async Task PlanAsync(string userName, DateTimeOffset start, DateTimeOffset end)
    {
        using var scope = _app.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ChatUser>>().FindByNameAsync(userName);
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        db.PlannedShifts.Add(new PlannedShift { ExpertId = user!.Id, Start = start, End = end });
        await db.SaveChangesAsync();
        _app.Services.GetRequiredService<RosterCalendar>().Invalidate();
    }

    [Theory]
    [InlineData("man", "nl", "Ruben")]
    [InlineData("woman", "nl", "Sanne")]
    [InlineData("any", "en", "Sanne")]
    public async Task GenderAndLanguageAreHonouredWhenSomeoneWhoMatchesIsFree(string gender, string language, string expected)
    {
        await using var sanne = await _app.ExpertAsync(1);
        await using var ruben = await _app.ExpertAsync(2);
        await using var visitor = await _app.VisitorAsync();
        await visitor.StartAsync(new { preferredGender = gender, language });
        var started = await visitor.Inbox.Next("ChatStarted");
        Assert.Equal(expected, started.GetProperty("expert").GetProperty("displayName").GetString());
        Assert.Empty(visitor.Inbox.Drain("MessageReceived")); // no fallback note
    }

    [Fact]
    public async Task WithNobodyWhoMatchesTheEstimateCountsTheFallbackAndTheVisitorIsToldWhenItHappens()
    {
        await using var sanne = await _app.ExpertAsync(1);
        await using var visitor = await _app.VisitorAsync();
        var r = await visitor.StartAsync(new { preferredGender = "man" });
        Assert.Equal("queued", r.Status);
        Assert.True(r.EstimatedWaitSeconds >= 180, $"estimate {r.EstimatedWaitSeconds} s before a 3-minute fallback");
        var why = await sanne.Hub.InvokeAsync<JsonElement>("GetQueueStatus");
        Assert.Equal("preference", why.GetProperty("notYours").GetString());
        Assert.Equal("man", why.GetProperty("wish").GetProperty("preferredGender").GetString());

        Clock.Advance(TimeSpan.FromMinutes(3));
        await _app.Sweeper.SweepAsync();
        var started = await visitor.Inbox.Next("ChatStarted");
        Assert.Equal("Sanne", started.GetProperty("expert").GetProperty("displayName").GetString());
        var note = await visitor.Inbox.Until("MessageReceived", m => m.GetProperty("from").GetString() == "system");
        Assert.Contains("niemand vrij die past bij wat je koos", note.GetProperty("text").GetString());
        // The expert sees the same note in the chat's history.
        var assigned = await sanne.Inbox.Next("ChatAssigned");
        Assert.Contains(assigned.GetProperty("messages").EnumerateArray(), m => m.GetProperty("from").GetString() == "system");
    }

    [Fact]
    public async Task AnExpertAsksForADebriefAndTheCoordinatorSeesWhoAndWhenButNothingOfTheChat()
    {
        await using var expert = await _app.ExpertAsync(1);
        var (visitor, conversationId) = await ChatWithAsync(expert);
        await using var _ = visitor;
        var first = await expert.Hub.InvokeAsync<JsonElement>("RequestDebrief", conversationId);
        var again = await expert.Hub.InvokeAsync<JsonElement>("RequestDebrief", (string?)null);
        Assert.Equal(first.GetProperty("id").GetInt64(), again.GetProperty("id").GetInt64());
        await Assert.ThrowsAsync<HubException>(() => expert.Hub.InvokeAsync<JsonElement>("RequestDebrief", new string('x', 500)));

        var coordinator = await _app.CoordinatorClientAsync();
        var list = await coordinator.GetFromJsonAsync<JsonElement>("/api/debriefs");
        var item = Assert.Single(list.EnumerateArray());
        Assert.Equal("Sanne", item.GetProperty("displayName").GetString());
        var at = item.GetProperty("requestedAt").GetDateTimeOffset();
        Assert.Equal(0, at.Minute + at.Second); // to the hour
        Assert.DoesNotContain(conversationId, list.GetRawText());
        Assert.Equal(HttpStatusCode.Forbidden, (await (await _app.ExpertClientAsync(1)).GetAsync("/api/debriefs")).StatusCode);

        var id = item.GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await coordinator.DeleteJsonAsync($"/api/debriefs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.DeleteJsonAsync($"/api/debriefs/{id}")).StatusCode);
        Assert.Empty((await coordinator.GetFromJsonAsync<JsonElement>("/api/debriefs")).EnumerateArray());
    }

    [Fact]
    public async Task TheVisitorGivesFeedbackOnceAfterTheEndAndTheStatisticsCountItWithoutALink()
    {
        await using var expert = await _app.ExpertAsync(1);
        var (visitor, conversationId) = await ChatWithAsync(expert);
        await using var _ = visitor;
        var early = await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync("GiveFeedback", new { score = 8, helped = "yes" }));
        Assert.Contains("na een gesprek", early.Message);

        await expert.Hub.InvokeAsync("EndChat", conversationId);
        await visitor.Inbox.Next("ChatEnded");
        await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync("GiveFeedback", new { score = 11, helped = "yes" }));
        await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync("GiveFeedback", new { score = 8, helped = "maybe" }));
        await visitor.Hub.InvokeAsync("GiveFeedback", new { score = 8, helped = "yes" });
        var twice = await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync("GiveFeedback", new { score = 3, helped = "no" }));
        Assert.Contains("al iets laten weten", twice.Message);

        // A second chat, feedback with only "somewhat", given after a reload (Resume on a new connection).
        var (other, second) = await ChatWithAsync(expert);
        var token = (await other.Hub.InvokeAsync<JsonElement>("Resume", "x", 0)).GetProperty("status").GetString();
        Assert.Equal("ended", token); // an unknown token reads nothing
        await expert.Hub.InvokeAsync("EndChat", second);
        await other.Inbox.Next("ChatEnded");
        await other.Hub.InvokeAsync("GiveFeedback", new { score = (int?)null, helped = "somewhat" });
        await other.DisposeAsync();

        var coordinator = await _app.CoordinatorClientAsync();
        var day = TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam")).ToString("yyyy-MM-dd");
        var report = await coordinator.GetFromJsonAsync<JsonElement>($"/api/statistics?from={day}&to={day}");
        var feedback = report.GetProperty("feedback");
        Assert.Equal(2, feedback.GetProperty("responses").GetInt32());
        Assert.Equal(8.0, feedback.GetProperty("averageScore").GetDouble());
        Assert.Equal(1, feedback.GetProperty("helped").GetProperty("yes").GetInt32());
        Assert.Equal(1, feedback.GetProperty("helped").GetProperty("somewhat").GetInt32());
        Assert.Equal(0, feedback.GetProperty("helped").GetProperty("no").GetInt32());
        var csv = await coordinator.GetStringAsync($"/api/statistics/export.csv?from={day}&to={day}");
        Assert.Contains("\"gemiddeld rapportcijfer\";\"8,0\";", csv); // every text cell quoted alike (a decimal comma is text here)

        // After the grace period there is nothing left to give feedback on.
        var (late, third) = await ChatWithAsync(expert);
        await using var __ = late;
        await expert.Hub.InvokeAsync("EndChat", third);
        await late.Inbox.Next("ChatEnded");
        Clock.Advance(TimeSpan.FromMinutes(16));
        await Assert.ThrowsAsync<HubException>(() => late.Hub.InvokeAsync("GiveFeedback", new { score = 5, helped = "no" }));
    }
}

public sealed class EmbeddedWellbeingTests : WellbeingTests
{
    protected override Dictionary<string, string?> Mode() => new();
}

[Collection(RedisCollection.Name)]
public sealed class RedisWellbeingTests(RedisServer redis) : WellbeingTests
{
    protected override Dictionary<string, string?> Mode() => new()
    {
        ["ConnectionStrings:Redis"] = redis.ConnectionString,
        ["Redis:KeyPrefix"] = $"w{Guid.NewGuid():n}:",
    };
}
