using System.Net;
using System.Net.Http.Json;
using Chat.Server.ContactForms;
using Chat.Server.Storage;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Chat.Tests.Storage;

/// <summary>Records keep times to the hour only: a form's creation and a draft's end, new and (after an upgrade) old.</summary>
public abstract class HourOnlyTimesTests : IAsyncLifetime
{
    /// <summary>The settings of a new, empty records database that several apps may open one after the other.</summary>
    protected abstract Task<Dictionary<string, string?>> NewRecordsAsync();

    public Task InitializeAsync() => Task.CompletedTask;
    public virtual Task DisposeAsync() => Task.CompletedTask;

    private static DateTimeOffset Hour(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AFormAndADraftKeepOnlyTheHourTheyWereMadeIn()
    {
        var hour = Hour(DateTimeOffset.UtcNow);
        var clock = new ManualClock(hour.AddMinutes(34).AddSeconds(56));
        await using var app = new ChatApp(await NewRecordsAsync()) { Clock = clock };
        await using var expert = await app.ExpertAsync(1);
        await using var visitor = await app.VisitorAsync();
        await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        clock.Advance(TimeSpan.FromMinutes(3));
        await expert.Hub.InvokeAsync("EndChat", conversationId);
        await expert.Inbox.Next("ChatEnded");

        var client = await app.ExpertClientAsync(1);
        var phone = await client.PostAsJsonAsync("/api/contacts", new
        {
            occurredAt = clock.GetUtcNow().AddHours(-2), durationMinutes = 20, conversation = "first", contactType = "phone",
            contactSeeker = "victim", support = new[] { "listening-ear" }, safety = "none",
        });
        Assert.Equal(HttpStatusCode.Created, phone.StatusCode);
        Assert.Equal(hour, (await phone.Content.ReadFromJsonAsync<ContactFormDto>())!.CreatedAt);

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        Assert.Equal(hour, (await db.ContactDrafts.SingleAsync()).EndedAt);
        Assert.Equal(hour, (await db.ContactForms.SingleAsync()).CreatedAt);

        var chat = await client.PostAsJsonAsync("/api/contacts", new
        {
            conversationId, durationMinutes = 3, conversation = "first", contactType = "website-chat",
            contactSeeker = "victim", support = new[] { "listening-ear" }, safety = "none",
        });
        Assert.Equal(HttpStatusCode.Created, chat.StatusCode);
        db.ChangeTracker.Clear();
        Assert.All(await db.ContactForms.ToListAsync(), f => Assert.Equal(hour, f.CreatedAt));
    }

    [Fact]
    public async Task AnUpgradeKeepsOnlyTheHourOfTheFormsAndDraftsStoredBefore()
    {
        var records = await NewRecordsAsync();
        var at = new DateTimeOffset(2026, 11, 17, 12, 34, 56, TimeSpan.Zero);
        await using (var first = new ChatApp(records))
        {
            using var scope = first.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
            // As a version 5 database holds them: to the second.
            db.ContactForms.Add(new ContactForm
            {
                Id = "old1", ExpertId = "e", OccurredAt = Hour(at), DurationMinutes = 10, Conversation = "first",
                ContactType = "phone", ContactSeeker = "victim", Safety = "none", CreatedAt = at.AddMinutes(20),
            });
            db.ContactDrafts.Add(new ContactDraft
            {
                ConversationId = "c1", ExpertId = "e", OccurredAt = Hour(at), DurationMinutes = 7, Conversation = "first",
                ContactSeeker = "victim", EndedAt = at,
            });
            await db.SchemaVersions.ExecuteDeleteAsync();
            db.SchemaVersions.Add(new SchemaVersion { Version = 5, AppliedAt = at });
            await db.SaveChangesAsync();
            // What later versions added is not there yet in a version 5 database.
            await db.Database.ExecuteSqlRawAsync("DROP INDEX \"IX_ContactForms_Project_OccurredAt\"; ALTER TABLE \"ContactForms\" DROP COLUMN \"Project\"; ALTER TABLE \"ContactDrafts\" DROP COLUMN \"Project\"; ALTER TABLE \"AspNetUsers\" DROP COLUMN \"Projects\"; DROP TABLE \"Projects\"; DROP TABLE \"ChatsTakenHours\"; ALTER TABLE \"AspNetUsers\" DROP COLUMN \"MustChangePassword\"; ALTER TABLE \"ContactDrafts\" DROP COLUMN \"Safety\"; DROP TABLE \"CodeChecks\"; " +
                "ALTER TABLE \"ContactDrafts\" DROP COLUMN \"Urgent\"; ALTER TABLE \"ContactForms\" DROP COLUMN \"Urgent\"; " +
                "DROP TABLE \"TierHours\"; DROP TABLE \"TierWaits\"; DROP TABLE \"TriageWordLists\"; " +
                "ALTER TABLE \"ContactDrafts\" DROP COLUMN \"ContactType\"; DROP TABLE \"MailboxThreads\"; DROP TABLE \"MailboxMessages\"; DROP TABLE \"MailboxEvents\";");
        }
        SqliteConnection.ClearAllPools();

        await using var second = new ChatApp(records);
        using var check = second.Services.CreateScope();
        var after = check.ServiceProvider.GetRequiredService<RecordsDbContext>();
        Assert.Equal(RecordsSchema.Current, await after.SchemaVersions.MaxAsync(v => v.Version));
        Assert.True(RecordsSchema.Current > 5);
        Assert.Equal(Hour(at.AddMinutes(20)), (await after.ContactForms.SingleAsync()).CreatedAt);
        Assert.Equal(Hour(at), (await after.ContactDrafts.SingleAsync()).EndedAt);
        Assert.Equal(Hour(at), (await after.ContactForms.SingleAsync()).OccurredAt);
    }
}

public sealed class SqliteHourOnlyTimesTests : HourOnlyTimesTests
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));

    protected override Task<Dictionary<string, string?>> NewRecordsAsync()
    {
        Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, Guid.NewGuid().ToString("n") + ".db");
        return Task.FromResult(new Dictionary<string, string?> { ["ConnectionStrings:Records"] = $"Data Source={file};Pooling=false" });
    }

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { /* best effort */ }
        return Task.CompletedTask;
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresHourOnlyTimesTests(PostgresServer postgres) : HourOnlyTimesTests
{
    protected override async Task<Dictionary<string, string?>> NewRecordsAsync() => new()
    {
        ["Records:Provider"] = "Postgres",
        ["ConnectionStrings:Records"] = await postgres.CreateDatabaseAsync(),
    };
}
