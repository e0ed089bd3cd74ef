using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Mailbox;
using Chat.Server.Storage;
using Chat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Chat.Tests.Mailbox;

/// <summary>
/// The mailbox's contract over HTTP, on SQLite and on PostgreSQL: a letter, its code, answers, limits per address,
/// claims, retention with a fake clock, delete. Wrong codes answer alike and change nothing.
/// </summary>
public abstract class MailboxApiTests
{
    /// <summary>The settings of a new records database (empty: the app's own SQLite file).</summary>
    protected abstract Task<Dictionary<string, string?>> RecordsAsync();

    private static DateTimeOffset Hour(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);

    protected async Task<ChatApp> AppAsync(Dictionary<string, string?>? settings = null, ManualClock? clock = null)
    {
        var all = MailboxVisitor.Settings(await RecordsAsync());
        foreach (var (k, v) in settings ?? []) all[k] = v;
        return new ChatApp(all) { Clock = clock };
    }

    private static async Task<int> ThreadsInRecordsAsync(ChatApp app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RecordsDbContext>().MailboxThreads.CountAsync();
    }

    [Fact]
    public async Task ALetterGetsACodeAnExpertAnswersAndTheVisitorReadsTheAnswerToTheHour()
    {
        var clock = new ManualClock(Hour(DateTimeOffset.UtcNow).AddMinutes(3 * 60 + 7));
        await using var app = await AppAsync(clock: clock);
        var visitor = new MailboxVisitor(app.CreateClient(), "198.51.100.1");
        var created = await visitor.LeaveAsync("Ik durf niet te bellen. Mijn vriend kijkt mee.", new { about = "victim", inDanger = true, language = "nl" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Json();
        var code = body.GetProperty("code").GetString()!;
        Assert.Matches("^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$", code);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("answerExpected").ValueKind);

        var opened = await (await visitor.OpenAsync(code.ToLowerInvariant())).Json();
        Assert.Equal("waiting", opened.GetProperty("status").GetString());
        var first = Assert.Single(opened.GetProperty("messages").EnumerateArray());
        Assert.Equal("visitor", first.GetProperty("from").GetString());
        Assert.Equal("Ik durf niet te bellen. Mijn vriend kijkt mee.", first.GetProperty("text").GetString());
        Assert.Equal(Hour(clock.GetUtcNow()), first.GetProperty("sentAt").GetDateTimeOffset());

        var expert = await app.ExpertClientAsync(1);
        var list = await expert.GetFromJsonAsync<JsonElement>("/api/mailbox/threads");
        var thread = Assert.Single(list.EnumerateArray());
        Assert.True(thread.GetProperty("inDanger").GetBoolean());
        Assert.Equal("victim", thread.GetProperty("about").GetString());
        var id = thread.GetProperty("id").GetString()!;
        Assert.Equal(1, (await expert.GetFromJsonAsync<JsonElement>("/api/mailbox/summary")).GetProperty("waiting").GetInt32());

        clock.Advance(TimeSpan.FromHours(49));
        expert = await app.ExpertClientAsync(1); // signed in anew: the clock passed the cookie's expiry
        var answered = await expert.PostAsJsonAsync($"/api/mailbox/threads/{id}/answer", new { text = "Fijn dat je schreef. Je hoeft hier niets." });
        Assert.Equal(HttpStatusCode.Created, answered.StatusCode);
        var form = (await answered.Json()).GetProperty("form");
        Assert.Equal("anonymous-mailbox", form.GetProperty("contactType").GetString());
        Assert.Equal("first", form.GetProperty("conversation").GetString());
        Assert.Equal("victim", form.GetProperty("contactSeeker").GetString());
        Assert.Equal("acute", form.GetProperty("safety").GetString());
        var pending = await expert.GetFromJsonAsync<JsonElement>("/api/contacts/pending");
        Assert.Contains(pending.EnumerateArray(), p => p.GetProperty("contactType").GetString() == "anonymous-mailbox"
                                                      && p.GetProperty("conversationId").GetString() == form.GetProperty("conversationId").GetString());
        Assert.Empty((await expert.GetFromJsonAsync<JsonElement>("/api/mailbox/threads")).EnumerateArray());

        var read = await (await visitor.OpenAsync(code)).Json();
        Assert.Equal("answered", read.GetProperty("status").GetString());
        var answer = read.GetProperty("messages")[1];
        Assert.Equal(("expert", "Sanne", "Fijn dat je schreef. Je hoeft hier niets."),
            (answer.GetProperty("from").GetString(), answer.GetProperty("displayName").GetString(), answer.GetProperty("text").GetString()));
        Assert.Equal(Hour(clock.GetUtcNow()), answer.GetProperty("sentAt").GetDateTimeOffset());

        // Writing again puts the thread back in the list; the next answer's form is a follow-up.
        var again = await visitor.WriteAsync(code, "Dank je. Mag ik nog iets vragen?");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("waiting", (await again.Json()).GetProperty("status").GetString());
        var second = await expert.PostAsJsonAsync($"/api/mailbox/threads/{id}/answer", new { text = "Natuurlijk." });
        Assert.Equal("follow-up", (await second.Json()).GetProperty("form").GetProperty("conversation").GetString());

        // The form after a letter is filled in as an anonymous-mailbox contact, not as a chat.
        var conversationId = form.GetProperty("conversationId").GetString();
        var asChat = await expert.PostAsJsonAsync("/api/contacts", new
        {
            conversationId, durationMinutes = 20, conversation = "first", contactType = "website-chat",
            contactSeeker = "victim", support = new[] { "listening-ear" }, safety = "acute",
        });
        Assert.Equal(HttpStatusCode.BadRequest, asChat.StatusCode);
        var filled = await expert.PostAsJsonAsync("/api/contacts", new
        {
            conversationId, durationMinutes = 20, conversation = "first", contactType = "anonymous-mailbox",
            contactSeeker = "victim", support = new[] { "listening-ear" }, safety = "acute",
        });
        Assert.Equal(HttpStatusCode.Created, filled.StatusCode);
    }

    [Fact]
    public async Task AnUrgentWordInALetterPutsItFirstForTheExpertsAndTheFormAsksAboutSafety()
    {
        await using var app = await AppAsync();
        var first = new MailboxVisitor(app.CreateClient(), "198.51.100.11");
        var second = new MailboxVisitor(app.CreateClient(), "198.51.100.12");
        Assert.Equal(HttpStatusCode.Created, (await first.LeaveAsync("Ik wil graag eens praten over vroeger.", new { about = "victim" })).StatusCode);
        var created = await second.LeaveAsync("Ik weet het niet meer, ik heb zelfmoordgedachten.", new { about = "victim" });
        var code = (await created.Json()).GetProperty("code").GetString()!;

        var expert = await app.ExpertClientAsync(1);
        var list = (await expert.GetFromJsonAsync<JsonElement>("/api/mailbox/threads")).EnumerateArray().ToList();
        Assert.Equal(2, list.Count);
        Assert.True(list[0].GetProperty("urgentWord").GetBoolean()); // first, though it came later
        Assert.False(list[0].GetProperty("inDanger").GetBoolean());
        Assert.False(list[1].GetProperty("urgentWord").GetBoolean());
        var answered = await expert.PostAsJsonAsync($"/api/mailbox/threads/{list[0].GetProperty("id").GetString()}/answer", new { text = "Fijn dat je schreef." });
        Assert.Equal("concern", (await answered.Json()).GetProperty("form").GetProperty("safety").GetString());
        var view = await (await second.OpenAsync(code)).Json();
        Assert.Equal("answered", view.GetProperty("status").GetString());
        Assert.DoesNotContain("urgent", view.GetRawText(), StringComparison.OrdinalIgnoreCase); // the visitor is never told
    }

    [Fact]
    public async Task UnknownExpiredAndDeletedCodesAnswerTheSame404AndAMistypedCodeA400ThatCountsNowhere()
    {
        var clock = new ManualClock(Hour(DateTimeOffset.UtcNow).AddMinutes(10));
        await using var app = await AppAsync(new() { ["Mailbox:CodeChecksPerAddressPerHour"] = "8" }, clock);
        var failures = CodeFailures(app, out var listener);
        using var _ = listener;
        var visitor = new MailboxVisitor(app.CreateClient(), "198.51.100.2");
        var deleted = await visitor.LeaveCodeAsync("Wis mij.");
        var expiring = await visitor.LeaveCodeAsync("Ik verloop.");
        Assert.Equal(HttpStatusCode.NoContent, (await visitor.DeleteAsync(deleted)).StatusCode);
        clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromHours(1));

        var unknown = await visitor.OpenAsync(MailboxJson.WrongCode());
        var gone = await visitor.OpenAsync(deleted);
        var expired = await visitor.OpenAsync(expiring);
        var writeGone = await visitor.WriteAsync(deleted, "Hallo?");
        var deleteGone = await visitor.DeleteAsync(expiring);
        var answers = new[] { unknown, gone, expired, writeGone, deleteGone };
        Assert.All(answers, r => Assert.Equal(HttpStatusCode.NotFound, r.StatusCode));
        var bodies = await Task.WhenAll(answers.Select(r => r.Content.ReadAsStringAsync()));
        Assert.Single(bodies.Select(b => JsonSerializer.Serialize(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(b)!
            .Where(kv => kv.Key != "traceId").ToDictionary())).Distinct());
        Assert.Equal(5, failures());

        // 20 typing errors: 400 naming the code, not counted as guesses nor against the 8 checks of the hour.
        for (var i = 0; i < 20; i++)
        {
            var typo = await visitor.OpenAsync(MailboxJson.Mistyped(MailboxJson.WrongCode()));
            Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
            Assert.True((await typo.Json()).GetProperty("errors").TryGetProperty("code", out var _));
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await visitor.OpenAsync("")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await visitor.PostAsync("/api/mailbox/open", new { })).StatusCode);
        Assert.Equal(5, failures());
        var fresh = await visitor.LeaveCodeAsync("Nog een brief.");
        Assert.Equal(HttpStatusCode.OK, (await visitor.OpenAsync(fresh)).StatusCode); // the 7th check of 8
    }

    [Fact]
    public async Task CodeChecksArePerAddressAndHourAndTheLimitHoldsForTheRightCodeToo()
    {
        var clock = new ManualClock(Hour(DateTimeOffset.UtcNow).AddMinutes(10));
        await using var app = await AppAsync(clock: clock);
        var guesser = new MailboxVisitor(app.CreateClient(), "203.0.113.9");
        var other = new MailboxVisitor(app.CreateClient(), "203.0.113.10");
        var code = await other.LeaveCodeAsync("Mijn brief.");
        for (var i = 0; i < 20; i++) Assert.Equal(HttpStatusCode.NotFound, (await guesser.OpenAsync(MailboxJson.WrongCode())).StatusCode);
        var limited = await guesser.OpenAsync(code);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await guesser.WriteAsync(code, "x")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await guesser.DeleteAsync(code)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.OpenAsync(code)).StatusCode); // another address is not held back
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        // In the embedded mode the window follows the app's clock; the thread was not touched by the refused calls.
        var opened = await guesser.OpenAsync(code);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Single((await opened.Json()).GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task LettersArePerAddressAndDayAndTheMailboxRefusesWhenFull()
    {
        await using var app = await AppAsync(new() { ["Mailbox:MaxWaiting"] = "5" });
        var a = new MailboxVisitor(app.CreateClient(), "192.0.2.1");
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Created, (await a.LeaveAsync($"Brief {i}")).StatusCode);
        var fourth = await a.LeaveAsync("Brief 4");
        Assert.Equal(HttpStatusCode.TooManyRequests, fourth.StatusCode);
        Assert.Equal(3, await ThreadsInRecordsAsync(app));

        var b = new MailboxVisitor(app.CreateClient(), "192.0.2.2");
        Assert.Equal(HttpStatusCode.Created, (await b.LeaveAsync("Brief b1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await b.LeaveAsync("Brief b2")).StatusCode);
        var full = await b.LeaveAsync("Brief b3");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, full.StatusCode);
        Assert.Contains("112", (await full.Json()).GetProperty("detail").GetString());
        Assert.Equal(5, await ThreadsInRecordsAsync(app));
    }

    [Fact]
    public async Task BadLettersAreRefusedNamingEachFieldAndNothingIsStored()
    {
        await using var app = await AppAsync();
        var v = new MailboxVisitor(app.CreateClient(), "192.0.2.3");
        var bad = await v.PostAsync("/api/mailbox", new { text = " ", about = "alien", preferredGender = "x", language = "de", referral = "<b>" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var fields = (await bad.Json()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["about", "language", "preferredGender", "referral", "text"], fields);
        Assert.Equal(HttpStatusCode.BadRequest, (await v.LeaveAsync(new string('x', 4001))).StatusCode);
        var notJson = await app.CreateClient().PostAsync("/api/mailbox", new StringContent("text=hallo", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
        Assert.Equal(0, await ThreadsInRecordsAsync(app));
        // None of them used up a letter of the day.
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Created, (await v.LeaveAsync($"Brief {i}")).StatusCode);

        var code = await new MailboxVisitor(app.CreateClient(), "192.0.2.4").LeaveCodeAsync("Eerste brief.");
        var emptyWrite = await v.WriteAsync(code, "");
        Assert.Equal(HttpStatusCode.BadRequest, emptyWrite.StatusCode);
        var thread = await (await v.OpenAsync(code)).Json();
        Assert.Single(thread.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task OneExpertAtATimeHoldsALetterAndAClaimLapsesAfterTheTimeout()
    {
        var clock = new ManualClock(Hour(DateTimeOffset.UtcNow).AddMinutes(5));
        await using var app = await AppAsync(clock: clock);
        await new MailboxVisitor(app.CreateClient(), "192.0.2.5").LeaveCodeAsync("Wie leest dit?");
        var sanne = await app.ExpertClientAsync(1);
        var other = await app.ExpertClientAsync(2);
        var id = (await sanne.GetFromJsonAsync<JsonElement>("/api/mailbox/threads"))[0].GetProperty("id").GetString()!;

        var claims = await Task.WhenAll(sanne.PostAsJsonAsync($"/api/mailbox/threads/{id}/claim", new { }),
            other.PostAsJsonAsync($"/api/mailbox/threads/{id}/claim", new { }));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], claims.Select(c => c.StatusCode).Order());
        var (holder, loser) = claims[0].StatusCode == HttpStatusCode.OK ? (sanne, other) : (other, sanne);
        var seen = (await loser.GetFromJsonAsync<JsonElement>("/api/mailbox/threads"))[0];
        Assert.True(seen.GetProperty("claimed").GetBoolean());
        Assert.False(seen.GetProperty("claimedByMe").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict, (await loser.PostAsJsonAsync($"/api/mailbox/threads/{id}/answer", new { text = "Ik ook" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await loser.PostAsJsonAsync($"/api/mailbox/threads/{id}/release", new { })).StatusCode);

        clock.Advance(TimeSpan.FromMinutes(31));
        loser = await app.SignedInClientAsync(loser == sanne ? "expert1" : "expert2", loser == sanne ? "Demo-Expert-1" : "Demo-Expert-2");
        holder = await app.SignedInClientAsync(holder == sanne ? "expert1" : "expert2", holder == sanne ? "Demo-Expert-1" : "Demo-Expert-2");
        Assert.Equal(HttpStatusCode.OK, (await loser.PostAsJsonAsync($"/api/mailbox/threads/{id}/claim", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await holder.PostAsJsonAsync($"/api/mailbox/threads/{id}/answer", new { text = "Te laat" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await loser.PostAsJsonAsync($"/api/mailbox/threads/{id}/release", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await holder.PostAsJsonAsync($"/api/mailbox/threads/{id}/answer", new { text = "Ik lees het." })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await loser.PostAsJsonAsync($"/api/mailbox/threads/{id}/claim", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await loser.PostAsJsonAsync("/api/mailbox/threads/nope/claim", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/mailbox/threads")).StatusCode);
    }

    [Fact]
    public async Task ASpamLetterIsClosedWithoutAnswerOrFormAndTheNoteIsTheLastExpertsOnly()
    {
        await using var app = await AppAsync();
        var visitor = new MailboxVisitor(app.CreateClient(), "192.0.2.6");
        var spam = await visitor.LeaveCodeAsync("Koop nu!");
        var sanne = await app.ExpertClientAsync(1);
        var id = (await sanne.GetFromJsonAsync<JsonElement>("/api/mailbox/threads"))[0].GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.BadRequest, (await sanne.PostAsJsonAsync($"/api/mailbox/threads/{id}/close", new { reason = "boring" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await sanne.PostAsJsonAsync($"/api/mailbox/threads/{id}/close", new { reason = "spam" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.OpenAsync(spam)).StatusCode);
        Assert.Empty((await sanne.GetFromJsonAsync<JsonElement>("/api/contacts/pending")).EnumerateArray());

        var code = await visitor.LeaveCodeAsync("Een echte brief.");
        id = (await sanne.GetFromJsonAsync<JsonElement>("/api/mailbox/threads"))[0].GetProperty("id").GetString()!;
        await sanne.PostAsJsonAsync($"/api/mailbox/threads/{id}/answer", new { text = "Dank je." });
        var other = await app.ExpertClientAsync(2);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsJsonAsync($"/api/mailbox/threads/{id}/note", new { text = "mijn notitie" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await sanne.PostAsJsonAsync($"/api/mailbox/threads/{id}/note", new { text = new string('n', 501) })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await sanne.PostAsJsonAsync($"/api/mailbox/threads/{id}/note", new { text = "Twee kinderen, wil nog niet weg." })).StatusCode);
        await visitor.WriteAsync(code, "Nog een vraag.");
        Assert.Equal("Twee kinderen, wil nog niet weg.", (await sanne.GetFromJsonAsync<JsonElement>("/api/mailbox/threads"))[0].GetProperty("note").GetString());
        Assert.Equal(JsonValueKind.Null, (await other.GetFromJsonAsync<JsonElement>("/api/mailbox/threads"))[0].GetProperty("note").ValueKind);
        var read = await (await visitor.OpenAsync(code)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Twee kinderen", read);
    }

    [Fact]
    public async Task RetentionDeletesAThreadThirtyDaysAfterItsLastLetterOrAnswerNotBefore()
    {
        var clock = new ManualClock(Hour(DateTimeOffset.UtcNow).AddMinutes(30));
        await using var app = await AppAsync(clock: clock);
        var visitor = new MailboxVisitor(app.CreateClient(), "192.0.2.7");
        var old = await visitor.LeaveCodeAsync("Oude brief.");
        var kept = await visitor.LeaveCodeAsync("Brief die nog een antwoord krijgt.");
        var sweep = app.Services.GetRequiredService<MailboxRetention>();
        clock.Advance(TimeSpan.FromDays(20));
        var expert = await app.ExpertClientAsync(1);
        var keptId = (await expert.GetFromJsonAsync<JsonElement>("/api/mailbox/threads")).EnumerateArray()
            .Single(t => t.GetProperty("messages")[0].GetProperty("text").GetString()!.StartsWith("Brief die")).GetProperty("id").GetString();
        await expert.PostAsJsonAsync($"/api/mailbox/threads/{keptId}/answer", new { text = "Antwoord." });

        clock.Advance(TimeSpan.FromDays(10) - TimeSpan.FromMinutes(31)); // 30 days since the letter, less than its hour
        Assert.Equal(0, await sweep.SweepAsync());
        Assert.Equal(HttpStatusCode.OK, (await visitor.OpenAsync(old)).StatusCode);
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(2));
        Assert.Equal(1, await sweep.SweepAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.OpenAsync(old)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await visitor.OpenAsync(kept)).StatusCode);
        clock.Advance(TimeSpan.FromDays(20));
        Assert.Equal(1, await sweep.SweepAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.OpenAsync(kept)).StatusCode);
        Assert.Equal(0, await ThreadsInRecordsAsync(app));
    }

    [Fact]
    public async Task AnswerExpectedIsTheEightiethPercentileOfTheLastThirtyDaysAnswersFromTheTenth()
    {
        var clock = new ManualClock(Hour(DateTimeOffset.UtcNow).AddMinutes(1));
        await using var app = await AppAsync(new() { ["Mailbox:LettersPerAddressPerDay"] = "100" }, clock);
        var visitor = new MailboxVisitor(app.CreateClient(), "192.0.2.8");
        int? expected = -1;
        // Ten letters, answered after 1..10 hours: from the tenth answer on, the 80th percentile (8 hours) is promised.
        for (var hours = 1; hours <= 10; hours++)
        {
            var code = await visitor.LeaveCodeAsync($"Brief {hours}");
            clock.Advance(TimeSpan.FromHours(hours));
            var expert = await app.ExpertClientAsync(1); // signed in anew: the clock may have passed the cookie's expiry
            var id = (await expert.GetFromJsonAsync<JsonElement>("/api/mailbox/threads")).EnumerateArray()
                .Single(t => t.GetProperty("messages")[0].GetProperty("text").GetString() == $"Brief {hours}").GetProperty("id").GetString()!;
            Assert.Equal(HttpStatusCode.Created, (await expert.PostAsJsonAsync($"/api/mailbox/threads/{id}/answer", new { text = "Antwoord" })).StatusCode);
            var opened = (await (await visitor.OpenAsync(code)).Json()).GetProperty("answerExpected");
            expected = opened.ValueKind == JsonValueKind.Null ? null : opened.GetInt32();
            if (hours < 10) Assert.Null(expected);
        }
        Assert.Equal(8, expected);
        Assert.Equal(8, (await (await visitor.LeaveAsync("Na tien antwoorden")).Json()).GetProperty("answerExpected").GetInt32());
        clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal(JsonValueKind.Null, (await (await visitor.LeaveAsync("Een maand later")).Json()).GetProperty("answerExpected").ValueKind);
    }

    /// <summary>The count of <c>chat.mailbox.code_failures</c> of this app (its own meter factory), so far.</summary>
    internal static Func<long> CodeFailures(ChatApp app, out MeterListener listener)
    {
        var scope = app.Services.GetRequiredService<IMeterFactory>();
        long count = 0;
        listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Name == "chat.mailbox.code_failures" && ReferenceEquals(i.Meter.Scope, scope)) l.EnableMeasurementEvents(i);
        };
        listener.SetMeasurementEventCallback<long>((_, v, tags, _) =>
        {
            Assert.Equal(0, tags.Length); // no tag: nothing of the code or the address
            Interlocked.Add(ref count, v);
        });
        listener.Start();
        _ = app.Services.GetRequiredService<MailboxMetrics>();
        return () => Interlocked.Read(ref count);
    }
}

public sealed class SqliteMailboxApiTests : MailboxApiTests
{
    protected override Task<Dictionary<string, string?>> RecordsAsync() => Task.FromResult(new Dictionary<string, string?>());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresMailboxApiTests(PostgresServer postgres) : MailboxApiTests
{
    protected override async Task<Dictionary<string, string?>> RecordsAsync() => new()
    {
        ["Records:Provider"] = "Postgres",
        ["ConnectionStrings:Records"] = await postgres.CreateDatabaseAsync(),
    };
}
