using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Storage;
using Chat.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Chat.Tests.Mailbox;

/// <summary>
/// Schema step 10 on a version 9 database (before the mailbox): the tables come, a draft learns its contact type, and
/// on PostgreSQL the form's contact type takes the 17 characters of "anonymous-mailbox".
/// </summary>
public abstract class MailboxSchemaTests
{
    protected abstract Task<Dictionary<string, string?>> RecordsAsync();

    [Fact]
    public async Task AVersionNineDatabaseGetsTheMailboxAndAnAnsweredLetterItsForm()
    {
        var records = MailboxVisitor.Settings(await RecordsAsync());
        await using (var first = new ChatApp(records))
        {
            using var scope = first.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
            await db.SchemaVersions.ExecuteDeleteAsync();
            db.SchemaVersions.Add(new SchemaVersion { Version = 9, AppliedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            await db.Database.ExecuteSqlRawAsync("DROP INDEX \"IX_ContactForms_Project_OccurredAt\"; ALTER TABLE \"ContactForms\" DROP COLUMN \"Project\"; ALTER TABLE \"ContactDrafts\" DROP COLUMN \"Project\"; ALTER TABLE \"AspNetUsers\" DROP COLUMN \"Projects\"; DROP TABLE \"Projects\"; DROP TABLE \"ChatsTakenHours\"; ALTER TABLE \"AspNetUsers\" DROP COLUMN \"MustChangePassword\"; ALTER TABLE \"ContactDrafts\" DROP COLUMN \"ContactType\"; DROP TABLE \"MailboxThreads\"; " +
                                                 "DROP TABLE \"MailboxMessages\"; DROP TABLE \"MailboxEvents\";");
            if (db.Database.IsNpgsql())
                await db.Database.ExecuteSqlRawAsync("ALTER TABLE \"ContactForms\" ALTER COLUMN \"ContactType\" TYPE VARCHAR(16);");
        }
        SqliteConnection.ClearAllPools();

        await using var app = new ChatApp(records);
        using (var scope = app.Services.CreateScope())
            Assert.Equal(RecordsSchema.Current, await scope.ServiceProvider.GetRequiredService<RecordsDbContext>().SchemaVersions.MaxAsync(v => v.Version));
        var code = await new MailboxVisitor(app.CreateClient(), "192.0.2.60").LeaveCodeAsync("Na de upgrade.");
        var expert = await app.ExpertClientAsync(1);
        var id = (await expert.GetFromJsonAsync<JsonElement>("/api/mailbox/threads"))[0].GetProperty("id").GetString()!;
        var answered = await (await expert.PostAsJsonAsync($"/api/mailbox/threads/{id}/answer", new { text = "Antwoord." })).Json();
        var form = await expert.PostAsJsonAsync("/api/contacts", new
        {
            conversationId = answered.GetProperty("form").GetProperty("conversationId").GetString(), durationMinutes = 20, conversation = "first",
            contactType = "anonymous-mailbox", contactSeeker = "unknown", support = new[] { "listening-ear" }, safety = "none",
        });
        Assert.Equal(HttpStatusCode.Created, form.StatusCode);
        Assert.Equal("anonymous-mailbox", (await form.Json()).GetProperty("contactType").GetString());
        Assert.Equal(HttpStatusCode.OK, (await new MailboxVisitor(app.CreateClient(), "192.0.2.60").OpenAsync(code)).StatusCode);
    }
}

public sealed class SqliteMailboxSchemaTests : MailboxSchemaTests
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n") + ".db");

    protected override Task<Dictionary<string, string?>> RecordsAsync() =>
        Task.FromResult(new Dictionary<string, string?> { ["ConnectionStrings:Records"] = $"Data Source={_file}" });
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresMailboxSchemaTests(PostgresServer postgres) : MailboxSchemaTests
{
    protected override async Task<Dictionary<string, string?>> RecordsAsync() => new()
    {
        ["Records:Provider"] = "Postgres",
        ["ConnectionStrings:Records"] = await postgres.CreateDatabaseAsync(),
    };
}
