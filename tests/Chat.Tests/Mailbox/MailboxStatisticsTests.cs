using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chat.Server.ContactForms;
using Chat.Server.Statistics;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Mailbox;

/// <summary>The mailbox in the statistics: counts and answer times in the JSON and the CSV, the contact type in its table.</summary>
public sealed class MailboxStatisticsTests
{
    private static DateTimeOffset Hour(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task LettersReceivedAnsweredClosedAndTheTimesToAnAnswerAreCountedAndTheFormIsAnAnonymousMailboxContact()
    {
        // Monday 08:10 local (Europe/Amsterdam): the letters and answers stay in one week.
        var monday = DateTimeOffset.Parse("2026-11-16T07:10:00Z");
        var clock = new ManualClock(monday);
        await using var app = new ChatApp(MailboxVisitor.Settings()) { Clock = clock };
        var visitor = new MailboxVisitor(app.CreateClient(), "192.0.2.40");
        await visitor.LeaveCodeAsync("Eerste brief");
        await visitor.LeaveCodeAsync("Tweede brief");
        await visitor.LeaveCodeAsync("Spam");
        var expert = await app.ExpertClientAsync(1);
        var threads = (await expert.GetFromJsonAsync<JsonElement>("/api/mailbox/threads")).EnumerateArray()
            .ToDictionary(t => t.GetProperty("messages")[0].GetProperty("text").GetString()!, t => t.GetProperty("id").GetString()!);
        Assert.Equal(HttpStatusCode.NoContent, (await expert.PostAsJsonAsync($"/api/mailbox/threads/{threads["Spam"]}/close", new { reason = "spam" })).StatusCode);
        clock.Advance(TimeSpan.FromHours(2));
        expert = await app.ExpertClientAsync(1);
        var first = await (await expert.PostAsJsonAsync($"/api/mailbox/threads/{threads["Eerste brief"]}/answer", new { text = "Antwoord" })).Json();
        clock.Advance(TimeSpan.FromHours(4));
        expert = await app.ExpertClientAsync(1);
        await expert.PostAsJsonAsync($"/api/mailbox/threads/{threads["Tweede brief"]}/answer", new { text = "Antwoord" });
        var filled = await expert.PostAsJsonAsync("/api/contacts", new
        {
            conversationId = first.GetProperty("form").GetProperty("conversationId").GetString(), durationMinutes = 20, conversation = "first",
            contactType = "anonymous-mailbox", contactSeeker = "unknown", support = new[] { "listening-ear" }, safety = "none",
        });
        Assert.Equal(HttpStatusCode.Created, filled.StatusCode);

        var coordinator = await app.CoordinatorClientAsync();
        var report = await coordinator.GetFromJsonAsync<JsonElement>("/api/statistics?from=2026-11-16&to=2026-11-22");
        var m = report.GetProperty("mailbox");
        Assert.Equal((3, 2, 2, 6, 1), (m.GetProperty("lettersReceived").GetInt32(), m.GetProperty("lettersAnswered").GetInt32(),
            m.GetProperty("medianAnswerHours").GetInt32(), m.GetProperty("p80AnswerHours").GetInt32(), m.GetProperty("closed").GetInt32()));
        var row = report.GetProperty("tables").GetProperty("contactType").GetProperty("rows").EnumerateArray()
            .Single(r => r.GetProperty("key").GetString() == "anonymous-mailbox");
        Assert.Equal(("anoniem bericht (brievenbus)", 1, 100), (row.GetProperty("label").GetString(), row.GetProperty("count").GetInt32(), row.GetProperty("percent").GetInt32()));
        var before = await coordinator.GetFromJsonAsync<JsonElement>("/api/statistics?from=2026-11-09&to=2026-11-15");
        Assert.Equal(0, before.GetProperty("mailbox").GetProperty("lettersReceived").GetInt32());

        var csv = Encoding.UTF8.GetString(await coordinator.GetByteArrayAsync("/api/statistics/export.csv?from=2026-11-16&to=2026-11-22"));
        Assert.Contains("\"anoniem bericht (brievenbus)\";1;\"100%\"", csv); // counts bare, every text quoted
        Assert.Contains("\"Brievenbus\";\"Aantal\";", csv);
        Assert.Contains("\"brieven ontvangen\";3;", csv);
        Assert.Contains("\"80% beantwoord binnen (uren)\";6;", csv);
        Assert.DoesNotContain("brief\"", csv.Replace("\"brieven", ""), StringComparison.Ordinal); // no letter text
    }
}
