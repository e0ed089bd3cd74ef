using System.Net;
using System.Text.Json;
using Chat.Server.Storage;
using Chat.Tests.Attacks;
using Chat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chat.Tests.Mailbox;

/// <summary>
/// Guessing at scale: 10,000 well-formed wrong codes from 500 addresses (20 each, the hourly limit) against a mailbox
/// holding real threads. Every guess gets the same 404, every guess is counted, none finds a thread, nothing changes.
/// </summary>
public sealed class MailboxGuessingTests
{
    [Fact]
    public async Task TenThousandWrongCodesFromManyAddressesAreAnsweredAlikeCountedAndFindNothing()
    {
        await using var app = new ChatApp(MailboxVisitor.Settings());
        var failures = MailboxApiTests.CodeFailures(app, out var listener);
        using var _ = listener;
        var owner = new MailboxVisitor(app.CreateClient(), "198.51.100.200");
        var codes = new List<string>();
        for (var i = 0; i < 3; i++) codes.Add(await owner.LeaveCodeAsync($"Echte brief {i}"));
        using (var scope = app.Services.CreateScope())
            Assert.Equal(3, await scope.ServiceProvider.GetRequiredService<RecordsDbContext>().MailboxThreads.CountAsync());

        var http = app.CreateClient();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
        var bodies = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, 500), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (a, ct) =>
        {
            var guesser = new MailboxVisitor(http, $"10.{a / 250}.{a % 250}.1");
            for (var i = 0; i < 20; i++)
            {
                var path = (i % 3) switch { 0 => "/api/mailbox/open", 1 => "/api/mailbox/write", _ => "/api/mailbox/delete" };
                var r = await guesser.PostAsync(path, new { code = MailboxJson.WrongCode(), text = "raden" });
                statuses.AddOrUpdate(r.StatusCode, 1, (_, n) => n + 1);
                var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await r.Content.ReadAsStringAsync(ct))!;
                body.Remove("traceId");
                bodies.AddOrUpdate(JsonSerializer.Serialize(body), 1, (_, n) => n + 1);
            }
        });
        var took = started.Elapsed;
        AttackTable.Row("mailbox: 10,000 well-formed wrong codes (open, write, delete) from 500 addresses, 20 each",
            "all 404 with one body; 10,000 counted in chat.mailbox.code_failures; the 3 real threads unchanged",
            $"{string.Join(", ", statuses.Select(s => $"{(int)s.Key}: {s.Value}"))}; {bodies.Count} distinct bodies; counted {failures()}; {took.TotalSeconds:F1} s");
        Assert.Equal(10_000, Assert.Single(statuses, s => s.Key == HttpStatusCode.NotFound).Value);
        Assert.Single(bodies);
        Assert.Equal(10_000, failures());
        foreach (var code in codes)
        {
            var opened = await (await owner.OpenAsync(code)).Json();
            Assert.Single(opened.GetProperty("messages").EnumerateArray()); // no guess wrote into a thread
        }
        // A 21st guess from one of the addresses is held back, whatever the code.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await new MailboxVisitor(http, "10.0.0.1").OpenAsync(codes[0])).StatusCode);
    }
}
