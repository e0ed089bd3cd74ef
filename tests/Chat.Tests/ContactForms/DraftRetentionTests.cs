using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.ContactForms;
using Chat.Server.Conversations;
using Chat.Server.Statistics;
using Chat.Server.Storage;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace Chat.Tests.ContactForms;

/// <summary>
/// ContactForms:DraftRetention: a draft nobody filled in is dropped after it, and from then on it is no form to fill
/// anywhere: not in the expert's pending forms, not in the statistics' missing forms. Filled-in forms stay.
/// </summary>
public abstract class DraftRetentionTests
{
    /// <summary>The settings of a new records database (empty: the app's own SQLite file).</summary>
    protected abstract Task<Dictionary<string, string?>> RecordsAsync();

    private static DateTimeOffset Hour(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ADraftNobodyFilledInIsDroppedAfterThirtyDaysAndNoLongerCountsAsAFormToFill()
    {
        var clock = new ManualClock(Hour(DateTimeOffset.UtcNow).AddMinutes(20));
        await using var app = new ChatApp(await RecordsAsync()) { Clock = clock };
        string conversationId;
        await using (var expert = await app.ExpertAsync(1))
        {
            await using var visitor = await app.VisitorAsync();
            await visitor.StartAsync();
            conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
            await expert.Hub.InvokeAsync("EndChat", conversationId);
            await expert.Inbox.Next("ChatEnded");
            await expert.Hub.InvokeAsync<object>("SetAvailability", "offline");
        }
        var ended = clock.GetUtcNow();
        var phone = await (await app.ExpertClientAsync(1)).PostAsJsonAsync("/api/contacts", new
        {
            occurredAt = ended.AddHours(-1), durationMinutes = 20, conversation = "first", contactType = "phone",
            contactSeeker = "victim", support = new[] { "listening-ear" }, safety = "none",
        });
        Assert.Equal(HttpStatusCode.Created, phone.StatusCode);
        var day = StatisticsApi.Today(app.Services.GetRequiredService<ReportingZone>(), clock).ToString("yyyy-MM-dd");
        Assert.Equal((1, 1, 1, 1, 1), await FormsToFillAsync(app, day));

        var expiry = app.Services.GetRequiredService<DraftExpiry>();
        clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1)); // not yet 30 days since the chat ended
        Assert.Equal(0, await expiry.DropExpiredAsync());
        Assert.Equal((1, 1, 1, 1, 1), await FormsToFillAsync(app, day));

        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await expiry.DropExpiredAsync());
        Assert.Equal((0, 0, 0, 0, 0), await FormsToFillAsync(app, day));
        var client = await app.ExpertClientAsync(1);
        var late = await client.PostAsJsonAsync("/api/contacts", new
        {
            conversationId, durationMinutes = 5, conversation = "first", contactType = "website-chat",
            contactSeeker = "victim", support = new[] { "listening-ear" }, safety = "none",
        });
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>("/api/contacts")).GetArrayLength()); // the filled-in form stays
    }

    /// <summary>The draft as a form to fill: /api/contacts/pending, GetState, and the statistics' three missing-form figures.</summary>
    private static async Task<(int, int, int, int, int)> FormsToFillAsync(ChatApp app, string day)
    {
        var expert = await app.ExpertClientAsync(1); // signed in anew: the clock may have passed the cookie's expiry
        var pending = (await expert.GetFromJsonAsync<JsonElement>("/api/contacts/pending")).GetArrayLength();
        await using var console = await app.ExpertAsync(1, availability: "offline");
        var state = (await console.Hub.InvokeAsync<JsonElement>("GetState")).GetProperty("pendingForms").GetArrayLength();
        var mine = (await expert.GetFromJsonAsync<JsonElement>($"/api/statistics/me?from={day}&to={day}")).GetProperty("formsMissing").GetInt32();
        var coordinator = await app.CoordinatorClientAsync();
        var report = await coordinator.GetFromJsonAsync<JsonElement>($"/api/statistics?from={day}&to={day}");
        var workload = await coordinator.GetFromJsonAsync<JsonElement>($"/api/statistics/experts?from={day}&to={day}");
        var sanne = workload.EnumerateArray().Single(e => e.GetProperty("displayName").GetString() == "Sanne");
        return (pending, state, mine, report.GetProperty("chat").GetProperty("formsMissing").GetInt32(), sanne.GetProperty("formsMissing").GetInt32());
    }

    [Fact]
    public async Task TheRetentionIsTakenFromConfiguration()
    {
        var settings = await RecordsAsync();
        settings["ContactForms:DraftRetention"] = "2.00:00:00";
        var clock = new ManualClock(Hour(DateTimeOffset.UtcNow).AddMinutes(20));
        await using var app = new ChatApp(settings) { Clock = clock };
        var drafts = app.Services.GetRequiredService<ContactDrafts>();
        await drafts.SaveAsync("e1", new ContactPrefill("c1", Hour(clock.GetUtcNow()), 5, "website-chat", "first", "victim", [], [], []), clock.GetUtcNow());
        clock.Advance(TimeSpan.FromHours(24));
        await drafts.SaveAsync("e1", new ContactPrefill("c2", Hour(clock.GetUtcNow()), 5, "website-chat", "first", "victim", [], [], []), clock.GetUtcNow());

        var expiry = app.Services.GetRequiredService<DraftExpiry>();
        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await expiry.DropExpiredAsync());
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await expiry.DropExpiredAsync());
        using var scope = app.Services.CreateScope();
        Assert.Equal(["c2"], await scope.ServiceProvider.GetRequiredService<RecordsDbContext>().ContactDrafts.Select(d => d.ConversationId).ToListAsync());
    }
}

public sealed class SqliteDraftRetentionTests : DraftRetentionTests
{
    protected override Task<Dictionary<string, string?>> RecordsAsync() => Task.FromResult(new Dictionary<string, string?>());

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-1.00:00:00")]
    public void ARetentionThatIsNotPositiveStopsTheStartNamingTheSetting(string retention)
    {
        using var app = new ChatApp(new() { ["ContactForms:DraftRetention"] = retention });
        var ex = Assert.ThrowsAny<Exception>(() => app.Server);
        while (ex.InnerException is not null && !ex.Message.Contains("DraftRetention")) ex = ex.InnerException;
        Assert.Contains("ContactForms:DraftRetention must be positive", ex.Message);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDraftRetentionTests(PostgresServer postgres) : DraftRetentionTests
{
    protected override async Task<Dictionary<string, string?>> RecordsAsync() => new()
    {
        ["Records:Provider"] = "Postgres",
        ["ConnectionStrings:Records"] = await postgres.CreateDatabaseAsync(),
    };
}
