using Chat.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Chat.Tests.Storage;

public sealed class RecordsSchemaTests
{
    private static string Fail(ChatApp app)
    {
        var ex = Assert.ThrowsAny<Exception>(() => app.Server);
        while (ex.InnerException is not null && ex is not InvalidOperationException) ex = ex.InnerException;
        return ex.Message;
    }

    private static async Task<string> DatabaseWithAsync(string sql)
    {
        var file = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n") + ".db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await using var conn = new SqliteConnection($"Data Source={file};Pooling=false");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
        return file;
    }

    [Theory]
    // As made by an early development build: the version row is there, most tables are not.
    [InlineData(1, "lacks the table(s)")]
    [InlineData(99, "newer than this build")]
    public async Task ADatabaseThisBuildCannotUseStopsTheStartWithAClearMessage(int version, string message)
    {
        var file = await DatabaseWithAsync(
            "CREATE TABLE \"SchemaVersion\" (\"Version\" INTEGER PRIMARY KEY, \"AppliedAt\" TEXT NOT NULL);" +
            $"INSERT INTO \"SchemaVersion\" VALUES ({version}, '2026-11-01T00:00:00Z');");
        try
        {
            using var app = new ChatApp(new() { ["ConnectionStrings:Records"] = $"Data Source={file}" });
            Assert.Contains(message, Fail(app));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AVersionOneDatabaseIsUpgradedInPlaceKeepingItsCounts()
    {
        var dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "chat.db");
        try
        {
            using (var first = new ChatApp(new() { ["ConnectionStrings:Records"] = $"Data Source={file};Pooling=false" })) _ = first.Server;
            // Back to version 1 as it was released: no Blocked column, one counted hour.
            await using (var conn = new SqliteConnection($"Data Source={file};Pooling=false"))
            {
                await conn.OpenAsync();
                await using var cmd = conn.CreateCommand();
                cmd.CommandText = "DROP INDEX \"IX_ContactForms_Project_OccurredAt\"; ALTER TABLE \"ContactForms\" DROP COLUMN \"Project\"; ALTER TABLE \"ContactDrafts\" DROP COLUMN \"Project\"; ALTER TABLE \"AspNetUsers\" DROP COLUMN \"Projects\"; DROP TABLE \"Projects\"; DROP TABLE \"ChatsTakenHours\"; ALTER TABLE \"AspNetUsers\" DROP COLUMN \"MustChangePassword\"; DROP TABLE \"QueueHours\"; CREATE TABLE \"QueueHours\" (\"HourStart\" INTEGER NOT NULL PRIMARY KEY, \"Requests\" INTEGER NOT NULL, \"RequestsWhileClosed\" INTEGER NOT NULL, \"Answered\" INTEGER NOT NULL, \"Abandoned\" INTEGER NOT NULL); ALTER TABLE \"AspNetUsers\" DROP COLUMN \"Disabled\"; " +
                    "ALTER TABLE \"AspNetUsers\" DROP COLUMN \"Gender\"; ALTER TABLE \"AspNetUsers\" DROP COLUMN \"Languages\"; " +
                    "DROP TABLE \"PlannedShifts\"; DROP TABLE \"DebriefRequests\"; DROP TABLE \"FeedbackDays\"; " +
                    "DROP TABLE \"Replies\"; DROP TABLE \"Referrals\"; ALTER TABLE \"ContactDrafts\" DROP COLUMN \"Support\"; " +
                    "ALTER TABLE \"ContactDrafts\" DROP COLUMN \"ProfessionalHelp\"; ALTER TABLE \"ContactDrafts\" DROP COLUMN \"Safety\"; DROP TABLE \"CodeChecks\"; " +
                    "ALTER TABLE \"ContactDrafts\" DROP COLUMN \"Urgent\"; ALTER TABLE \"ContactForms\" DROP COLUMN \"Urgent\"; " +
                    "DROP TABLE \"TierHours\"; DROP TABLE \"TierWaits\"; DROP TABLE \"TriageWordLists\"; " +
                    "ALTER TABLE \"ContactDrafts\" DROP COLUMN \"ContactType\"; DROP TABLE \"MailboxThreads\"; DROP TABLE \"MailboxMessages\"; DROP TABLE \"MailboxEvents\"; DELETE FROM \"SchemaVersion\"; INSERT INTO \"SchemaVersion\" VALUES (1, '2026-11-01T00:00:00Z');" +
                    "INSERT INTO \"QueueHours\" (\"HourStart\", \"Requests\", \"RequestsWhileClosed\", \"Answered\", \"Abandoned\") VALUES (3600, 7, 1, 5, 2);";
                await cmd.ExecuteNonQueryAsync();
            }
            using (var second = new ChatApp(new() { ["ConnectionStrings:Records"] = $"Data Source={file};Pooling=false" })) _ = second.Server;
            await using var check = new SqliteConnection($"Data Source={file};Pooling=false");
            await check.OpenAsync();
            await using var q = check.CreateCommand();
            q.CommandText = "SELECT (SELECT MAX(\"Version\") FROM \"SchemaVersion\") || ' ' || \"Requests\" || ' ' || \"Blocked\" FROM \"QueueHours\" WHERE \"HourStart\" = 3600 AND \"Project\" = 'default'";
            Assert.Equal($"{Chat.Server.Storage.RecordsSchema.Current} 7 0", (string?)await q.ExecuteScalarAsync());
            q.CommandText = "SELECT COUNT(*) FROM \"Replies\"";
            Assert.Equal(0L, (long?)await q.ExecuteScalarAsync()); // the first start's seed marker stays: a seed is never repeated
            q.CommandText = "SELECT COUNT(*) FROM \"ContactDrafts\" WHERE \"Support\" = 0 AND \"ProfessionalHelp\" = 0";
            Assert.Equal(0L, (long?)await q.ExecuteScalarAsync());
            q.CommandText = "SELECT COUNT(*) FROM \"PlannedShifts\"";
            Assert.Equal(0L, (long?)await q.ExecuteScalarAsync());
            q.CommandText = "SELECT \"Gender\" || ',' || \"Languages\" FROM \"AspNetUsers\" WHERE \"UserName\" = 'coordinator'";
            Assert.Equal("unspecified,nl", (string?)await q.ExecuteScalarAsync());
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { /* best effort */ }
        }
    }
}
