using System.Net;
using System.Text;
using Chat.Server.Storage;
using Chat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Chat.Tests.Mailbox;

/// <summary>
/// After a delete and after retention the letter's words are in no file: not in the SQLite database, not in its
/// write-ahead log, not in any log line. Letters are encrypted, so the check looks for the words and for the stored
/// cipher text itself (which SQLite would leave in a freed page without secure_delete).
/// </summary>
public sealed class MailboxErasureTests
{
    private const string Words = "Zonnebloem-Kapstok-Vierkant geheim";
    private const string Answer = "Paraplu-Tegelvloer-Wolkenkrabber antwoord";

    private static DateTimeOffset Hour(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AfterDeleteTheLetterAndTheAnswerAreInNoFileAndNoLog()
    {
        await using var app = new ChatApp(MailboxVisitor.Settings());
        var visitor = new MailboxVisitor(app.CreateClient(), "198.51.100.50");
        var (code, ciphers) = await LetterAndAnswerAsync(app, visitor);
        AssertSomewhere(app, ciphers); // the check can see them while they are there
        Assert.Equal(HttpStatusCode.NoContent, (await visitor.DeleteAsync(code)).StatusCode);
        AssertNowhere(app, code, ciphers);
    }

    [Fact]
    public async Task AfterRetentionTheLetterAndTheAnswerAreInNoFileAndNoLog()
    {
        var clock = new ManualClock(Hour(DateTimeOffset.UtcNow).AddMinutes(15));
        await using var app = new ChatApp(MailboxVisitor.Settings()) { Clock = clock };
        var visitor = new MailboxVisitor(app.CreateClient(), "198.51.100.51");
        var (code, ciphers) = await LetterAndAnswerAsync(app, visitor);
        AssertSomewhere(app, ciphers);
        clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromHours(2));
        Assert.Equal(1, await app.Services.GetRequiredService<Chat.Server.Mailbox.MailboxRetention>().SweepAsync());
        AssertNowhere(app, code, ciphers);
    }

    private static async Task<(string Code, List<string> Ciphers)> LetterAndAnswerAsync(ChatApp app, MailboxVisitor visitor)
    {
        var code = await visitor.LeaveCodeAsync(Words);
        var expert = await app.ExpertClientAsync(1);
        var id = (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(expert, "/api/mailbox/threads"))[0]
            .GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(expert,
            $"/api/mailbox/threads/{id}/answer", new { text = Answer })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(expert,
            $"/api/mailbox/threads/{id}/note", new { text = "Notitie-Driehoek-Lantaarn" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await visitor.WriteAsync(code, Words + " opnieuw")).StatusCode);
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        var ciphers = await db.MailboxMessages.Select(m => m.Cipher).ToListAsync();
        ciphers.Add((await db.MailboxThreads.SingleAsync()).NoteCipher!);
        Assert.Equal(4, ciphers.Count);
        return (code, ciphers);
    }

    private static string DatabasePath(ChatApp app) =>
        new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(app.Services.GetRequiredService<IConfiguration>().GetConnectionString("Records")).DataSource;

    private static byte[] Read(string path)
    {
        if (!File.Exists(path)) return [];
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var m = new MemoryStream();
        f.CopyTo(m);
        return m.ToArray();
    }

    private static byte[] Files(ChatApp app)
    {
        var db = DatabasePath(app);
        return [.. Read(db), .. Read(db + "-wal"), .. Read(db + "-journal")];
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0 || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) >= 0;

    private static void AssertSomewhere(ChatApp app, List<string> ciphers)
    {
        var bytes = Files(app);
        Assert.All(ciphers, c => Assert.True(Contains(bytes, c), "the stored cipher text is in the database files before the delete"));
    }

    private static void AssertNowhere(ChatApp app, string code, List<string> ciphers)
    {
        var bytes = Files(app);
        foreach (var word in new[] { "Zonnebloem", "Kapstok", "Paraplu", "Wolkenkrabber", "Notitie-Driehoek", code, code.Replace("-", "") })
            Assert.False(Contains(bytes, word), $"'{word}' in the database files");
        foreach (var cipher in ciphers)
        {
            Assert.False(Contains(bytes, cipher), "a letter's cipher text is still in the database files");
            // A part from the middle (the start is Data Protection's header and key id, the same in every cipher text).
            Assert.False(Contains(bytes, cipher[60..84]), "a part of a letter's cipher text is still in the database files");
        }
        var logs = string.Join("\n", app.Logs.Lines);
        Assert.NotEmpty(app.Logs.Lines);
        foreach (var word in new[] { "Zonnebloem", "Kapstok", "Paraplu", "Notitie", code, code.Replace("-", "") })
            Assert.DoesNotContain(word, logs, StringComparison.OrdinalIgnoreCase);
        Assert.All(ciphers, c => Assert.DoesNotContain(c[60..84], logs));
    }
}
