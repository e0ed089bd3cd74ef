using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chat.Server.ContactForms;
using Chat.Server.Statistics;
using Chat.Server.Storage;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Statistics;

/// <summary>The contract's statistics, exact on a generated dataset that spans both daylight-saving changes of 2026.</summary>
public abstract class StatisticsTests : RecordsProviderTests
{
    private HttpClient _coordinator = null!;
    private string _expertId = "";
    private int _seq;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _coordinator = await App.CoordinatorClientAsync();
        using var scope = App.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Chat.Server.Accounts.ChatUser>>();
        _expertId = (await users.FindByNameAsync("expert1"))!.Id;
    }


    private ContactForm Form(DateTimeOffset utc, int minutes = 30, string seeker = "victim", string conversation = "first",
        string type = "phone", string[]? referral = null, string[]? support = null, string[]? help = null, string safety = "none") => new()
    {
        Id = $"f{Interlocked.Increment(ref _seq):D6}",
        ExpertId = _expertId,
        OccurredAt = utc,
        DurationMinutes = minutes,
        Conversation = conversation,
        ContactType = type,
        ContactSeeker = seeker,
        ReferralSources = ContactCodes.ReferralSources.Mask(referral ?? []),
        Support = ContactCodes.Support.Mask(support ?? ["listening-ear"]),
        ProfessionalHelp = ContactCodes.ProfessionalHelp.Mask(help ?? []),
        Safety = safety,
        CreatedAt = utc,
    };

    private async Task AddAsync(params ContactForm[] forms)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        db.ContactForms.AddRange(forms);
        await db.SaveChangesAsync();
    }

    private static DateTimeOffset Utc(int y, int m, int d, int h) => new(y, m, d, h, 0, 0, TimeSpan.Zero);

    private async Task<JsonElement> WeekAsync(string week) =>
        await _coordinator.GetFromJsonAsync<JsonElement>($"/api/statistics/weekly?week={week}");

    private static JsonElement Row(JsonElement report, string table, string key) =>
        report.GetProperty("tables").GetProperty(table).GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("key").GetString() == key);

    [Fact]
    public async Task DurationBandsSplitAt15And16And30And31And60And61()
    {
        var t = Utc(2026, 11, 17, 12);
        await AddAsync(Form(t, 15), Form(t, 16), Form(t, 30), Form(t, 31), Form(t, 60), Form(t, 61), Form(t, 1), Form(t, 600));
        var r = await WeekAsync("2026-W47");
        Assert.Equal("2026-11-16", r.GetProperty("from").GetString());
        Assert.Equal("2026-11-22", r.GetProperty("to").GetString());
        Assert.Equal(8, r.GetProperty("contacts").GetInt32());
        var duration = r.GetProperty("tables").GetProperty("duration");
        Assert.Equal(["0-15", "16-30", "31-60", "60+"], duration.GetProperty("rows").EnumerateArray().Select(x => x.GetProperty("key").GetString()));
        Assert.Equal([2, 2, 2, 2], duration.GetProperty("rows").EnumerateArray().Select(x => x.GetProperty("count").GetInt32()));
        Assert.Equal(8, duration.GetProperty("n").GetInt32());
        Assert.Equal(0, duration.GetProperty("unknown").GetInt32());
    }

    [Fact]
    public async Task PercentagesAreRoundedHalfUpOfTheKnownAnswers()
    {
        // 53 known contact seekers, 13 of them perpetrators (24.53 -> 25), plus 7 unknown that stay out of n.
        var t = Utc(2026, 11, 18, 9);
        var forms = new List<ContactForm>();
        for (var i = 0; i < 13; i++) forms.Add(Form(t, seeker: "perpetrator"));
        for (var i = 0; i < 40; i++) forms.Add(Form(t, seeker: "victim"));
        for (var i = 0; i < 7; i++) forms.Add(Form(t, seeker: "unknown"));
        await AddAsync([.. forms]);
        var r = await WeekAsync("2026-W47");
        var seeker = r.GetProperty("tables").GetProperty("contactSeeker");
        Assert.Equal(53, seeker.GetProperty("n").GetInt32());
        Assert.Equal(7, seeker.GetProperty("unknown").GetInt32());
        Assert.Equal(25, Row(r, "contactSeeker", "perpetrator").GetProperty("percent").GetInt32());
        Assert.Equal(75, Row(r, "contactSeeker", "victim").GetProperty("percent").GetInt32());
        Assert.Equal(0, Row(r, "contactSeeker", "professional").GetProperty("count").GetInt32()); // zero rows are there
        Assert.Equal("slachtoffer", Row(r, "contactSeeker", "victim").GetProperty("label").GetString());
        Assert.Equal(["victim", "perpetrator", "victim-and-perpetrator", "parent-of-victim", "relative", "professional", "other"],
            seeker.GetProperty("rows").EnumerateArray().Select(x => x.GetProperty("key").GetString()));
    }

    [Theory]
    [InlineData(1, 8, 13)]   // 12.5 -> 13
    [InlineData(1, 3, 33)]   // 33.33 -> 33
    [InlineData(2, 3, 67)]   // 66.67 -> 67
    [InlineData(13, 53, 25)]
    [InlineData(0, 0, 0)]
    [InlineData(5, 5, 100)]
    [InlineData(1, 200, 1)]  // 0.5 -> 1
    [InlineData(1, 201, 0)]
    public void PercentRoundsHalfUp(int count, int n, int expected) => Assert.Equal(expected, StatisticsQueries.Percent(count, n));

    [Fact]
    public async Task SeveralAnswerTablesCountEachAnswerAgainstAllContacts()
    {
        var t = Utc(2026, 11, 19, 19);
        await AddAsync(
            Form(t, referral: ["website", "professional"], support: ["listening-ear", "advice-professional-help"], help: ["police", "veilig-thuis"]),
            Form(t, referral: ["professional"], support: ["listening-ear", "advice-personal-action"]),
            Form(t, referral: [], support: ["listening-ear"]),
            Form(t, referral: ["flyer-victims"], support: ["advice-professional-help"], help: ["mental-health"]));
        var r = await WeekAsync("2026-W47");
        var referral = r.GetProperty("tables").GetProperty("referralSources");
        Assert.Equal(4, referral.GetProperty("n").GetInt32());
        Assert.Equal(1, referral.GetProperty("unknown").GetInt32()); // nothing ticked
        Assert.Equal(2, Row(r, "referralSources", "professional").GetProperty("count").GetInt32());
        Assert.Equal(50, Row(r, "referralSources", "professional").GetProperty("percent").GetInt32());
        Assert.Equal(3, Row(r, "support", "listening-ear").GetProperty("count").GetInt32());
        Assert.Equal(75, Row(r, "support", "listening-ear").GetProperty("percent").GetInt32());
        Assert.Equal(4, r.GetProperty("tables").GetProperty("professionalHelp").GetProperty("n").GetInt32());
        Assert.Equal(25, Row(r, "professionalHelp", "police").GetProperty("percent").GetInt32());
        Assert.Equal(["duration", "conversation", "contactType", "contactSeeker", "referralSources", "support", "professionalHelp", "safety"],
            r.GetProperty("tables").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task WeeksStartOnMondayMidnightLocalTimeAcrossBothDaylightSavingChanges()
    {
        await AddAsync(
            // Summer time starts Sunday 29 March 2026. W14 starts Monday 30 March 00:00 CEST = Sunday 22:00 UTC.
            Form(Utc(2026, 3, 29, 21)), // Sunday 23:00 CEST: W13
            Form(Utc(2026, 3, 29, 22)), // Monday 00:00 CEST: W14
            Form(Utc(2026, 3, 29, 0)),  // Sunday 01:00 CET, before the change: W13
            Form(Utc(2026, 3, 29, 1)),  // Sunday 03:00 CEST, after the change: W13
            // Winter time starts Sunday 25 October 2026. W44 starts Monday 26 October 00:00 CET = Sunday 23:00 UTC.
            Form(Utc(2026, 10, 25, 22)), // Sunday 23:00 CET: W43
            Form(Utc(2026, 10, 25, 23)), // Monday 00:00 CET: W44
            Form(Utc(2026, 10, 18, 22)), // Monday 19 October 00:00 CEST: W43
            Form(Utc(2026, 10, 18, 21))); // Sunday 18 October 23:00 CEST: W42
        Assert.Equal(3, (await WeekAsync("2026-W13")).GetProperty("contacts").GetInt32());
        Assert.Equal(1, (await WeekAsync("2026-W14")).GetProperty("contacts").GetInt32());
        Assert.Equal(1, (await WeekAsync("2026-W42")).GetProperty("contacts").GetInt32());
        Assert.Equal(2, (await WeekAsync("2026-W43")).GetProperty("contacts").GetInt32());
        Assert.Equal(1, (await WeekAsync("2026-W44")).GetProperty("contacts").GetInt32());
        // A range of whole local days gives the same boundaries.
        var range = await _coordinator.GetFromJsonAsync<JsonElement>("/api/statistics?from=2026-03-23&to=2026-03-29");
        Assert.Equal(3, range.GetProperty("contacts").GetInt32());
    }

    [Fact]
    public async Task CsvExportOpensInDutchExcelAndParsesBackToTheSameNumbers()
    {
        var t = Utc(2026, 11, 17, 12);
        await AddAsync(Form(t, 10, seeker: "perpetrator"), Form(t, 45, seeker: "victim"), Form(t, 90, seeker: "unknown"));
        var r = await _coordinator.GetAsync("/api/statistics/export.csv?from=2026-11-16&to=2026-11-22");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/csv", r.Content.Headers.ContentType!.MediaType);
        var bytes = await r.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        var cells = lines.Select(l => l.Split(';').Select(c => c.Trim('"')).ToArray()).ToList();
        Assert.Equal(["Periode", "2026-11-16", "2026-11-22"], cells[0]);
        Assert.Equal(["Aantal contacten", "3"], cells[1]);
        var seekerHeader = cells.FindIndex(c => c[0] == "Contactzoeker");
        Assert.Equal(["slachtoffer", "1", "50%"], cells[seekerHeader + 1]);
        Assert.Equal(["pleger", "1", "50%"], cells[seekerHeader + 2]);
        Assert.Contains(cells.Skip(seekerHeader), c => c[0] == "onbekend" && c[1] == "1");
        Assert.Contains(cells, c => c[0] == "meer dan 60 minuten" && c[1] == "1" && c[2] == "33%");
    }

    [Fact]
    public async Task ChatFiguresComeFromTheQueueCountersAndMissingFormsAreCounted()
    {
        await using var expert = await App.ExpertAsync(1);
        await using var v1 = await App.VisitorAsync();
        await v1.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await using var v2 = await App.VisitorAsync();
        Assert.Equal("queued", (await v2.StartAsync()).Status);
        await v2.Hub.InvokeAsync("LeaveChat");
        await expert.Inbox.Until("QueueChanged", q => q.GetProperty("waiting").GetInt32() == 0);
        await expert.Hub.InvokeAsync("EndChat", conversationId);
        await expert.Inbox.Next("ChatEnded");
        await expert.Hub.InvokeAsync<object>("SetAvailability", "offline");
        await using var closed = await App.VisitorAsync();
        Assert.Equal("closed", (await closed.StartAsync()).Status);

        var today = StatisticsApi.Today(App.Services.GetRequiredService<ReportingZone>(), TimeProvider.System).ToString("yyyy-MM-dd");
        var report = await _coordinator.GetFromJsonAsync<JsonElement>($"/api/statistics?from={today}&to={today}");
        var chat = report.GetProperty("chat");
        Assert.Equal(2, chat.GetProperty("requests").GetInt32());
        Assert.Equal(1, chat.GetProperty("answered").GetInt32());
        Assert.Equal(1, chat.GetProperty("abandoned").GetInt32());
        Assert.Equal(1, chat.GetProperty("requestsWhileClosed").GetInt32());
        Assert.InRange(chat.GetProperty("medianWaitSeconds").GetInt32(), 0, 15);
        Assert.Equal(1, chat.GetProperty("formsMissing").GetInt32());

        var workload = await _coordinator.GetFromJsonAsync<JsonElement>($"/api/statistics/experts?from={today}&to={today}");
        var sanne = workload.EnumerateArray().Single(e => e.GetProperty("displayName").GetString() == "Sanne");
        Assert.Equal(1, sanne.GetProperty("formsMissing").GetInt32());
        Assert.True(sanne.GetProperty("shiftHours").GetDouble() >= 0);

        var heat = await _coordinator.GetFromJsonAsync<JsonElement>($"/api/statistics/heatmap?from={today}&to={today}");
        Assert.Equal(3, heat.GetProperty("requests").EnumerateArray().SelectMany(d => d.EnumerateArray()).Sum(x => x.GetInt32()));
    }

    [Fact]
    public async Task TheWorkloadCountsChatsTakenAlsoThoseThatEndWithoutAForm()
    {
        // Sanne takes three chats: one she passes on to Ruben, one she ends herself, one she ends with a block. None has a
        // form yet; the workload said "0 chats" for her while the header said 3 answered.
        await using var sanne = await App.ExpertAsync(1);
        await using var a = await App.VisitorAsync();
        await a.StartAsync();
        var first = (await sanne.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await using var ruben = await App.ExpertAsync(2, "available");
        await sanne.Hub.InvokeAsync("TransferChat", first);
        Assert.Equal(first, (await ruben.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString());

        await using var b = await App.VisitorAsync();
        await b.StartAsync();
        var second = (await sanne.Inbox.Until("ChatAssigned", x => x.GetProperty("conversationId").GetString() != first)).GetProperty("conversationId").GetString()!;
        await sanne.Hub.InvokeAsync("EndChat", second);
        await sanne.Hub.InvokeAsync("EndCoolDown");
        await using var c = await App.VisitorAsync();
        await c.StartAsync();
        var third = (await sanne.Inbox.Until("ChatAssigned", x => x.GetProperty("conversationId").GetString() is { } id && id != first && id != second))
            .GetProperty("conversationId").GetString()!;
        await sanne.Hub.InvokeAsync<JsonElement>("BlockVisitor", third, "prank"); // last: the block holds for the tests' one address

        var today = StatisticsApi.Today(App.Services.GetRequiredService<ReportingZone>(), TimeProvider.System).ToString("yyyy-MM-dd");
        var workload = (await _coordinator.GetFromJsonAsync<JsonElement>($"/api/statistics/experts?from={today}&to={today}")).EnumerateArray()
            .ToDictionary(e => e.GetProperty("displayName").GetString()!);
        Assert.Equal(3, workload["Sanne"].GetProperty("chatsTaken").GetInt32());
        Assert.Equal(0, workload["Sanne"].GetProperty("contacts").GetInt32());
        Assert.Equal(1, workload["Ruben"].GetProperty("chatsTaken").GetInt32());
        var mine = await (await App.ExpertClientAsync(1)).GetFromJsonAsync<JsonElement>($"/api/statistics/me?from={today}&to={today}");
        Assert.Equal(3, mine.GetProperty("chatsTaken").GetInt32());
    }

    [Fact]
    public async Task DailyCountsAgreeWithCountingTheFormsAndSurviveARebuild()
    {
        var rnd = new Random(3);
        var forms = Enumerable.Range(0, 300).Select(i => Form(Utc(2026, 1, 1, 0).AddHours(rnd.Next(0, 24 * 330)), rnd.Next(1, 120),
            seeker: ContactCodes.ContactSeeker.Codes[rnd.Next(8)].Key, conversation: ContactCodes.Conversation.Codes[rnd.Next(3)].Key,
            referral: rnd.Next(3) == 0 ? [] : ["website", "professional"], support: rnd.Next(2) == 0 ? ["listening-ear"] : [],
            safety: ContactCodes.Safety.Codes[rnd.Next(3)].Key)).ToArray();
        await AddAsync(forms);
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        var zone = scope.ServiceProvider.GetRequiredService<ReportingZone>();
        var queries = scope.ServiceProvider.GetRequiredService<StatisticsQueries>();
        foreach (var p in new[] { ReportPeriod.Of(new(2026, 1, 1), new(2026, 12, 31), zone), ReportPeriod.Of(new(2026, 3, 29), new(2026, 4, 5), zone) })
        {
            var reference = await queries.CountsFromFormsAsync(p);
            var fromDays = await ContactAggregates.SumAsync(db, p, default);
            foreach (var (key, count) in reference) Assert.Equal(count, fromDays.GetValueOrDefault(key));
            await ContactAggregates.RebuildAsync(db, zone);
            var rebuilt = await ContactAggregates.SumAsync(db, p, default);
            foreach (var (key, count) in reference) Assert.Equal(count, rebuilt.GetValueOrDefault(key));
        }
    }

    [Fact]
    public void WaitQuantilesInterpolateInsideTheHistogramBuckets()
    {
        var h = new long[QueueCounters.WaitBucketBounds.Length + 1];
        Assert.Null(StatisticsQueries.Quantile(h, 0.5));
        h[QueueCounters.BucketOf(10)] = 2;  // two waits in 0-15 s
        h[QueueCounters.BucketOf(100)] = 2; // two waits in 90-120 s
        Assert.Equal(15, StatisticsQueries.Quantile(h, 0.5));
        Assert.InRange(StatisticsQueries.Quantile(h, 0.9)!.Value, 90, 120);
    }

    [Fact]
    public async Task TrendGivesTwelveWeeksEndingWithTheChosenWeek()
    {
        await AddAsync(Form(Utc(2026, 11, 17, 12)), Form(Utc(2026, 9, 1, 12)));
        var trend = await _coordinator.GetFromJsonAsync<JsonElement>("/api/statistics/trend?week=2026-W47&weeks=12");
        Assert.Equal(12, trend.GetArrayLength());
        Assert.Equal("2026-W47", trend[11].GetProperty("week").GetString());
        Assert.Equal("2026-W36", trend[0].GetProperty("week").GetString());
        Assert.Equal(1, trend[11].GetProperty("contacts").GetInt32());
        Assert.Equal(1, trend[0].GetProperty("contacts").GetInt32());
    }

    [Theory]
    [InlineData("/api/statistics/weekly?week=2026-W54", "week")]
    [InlineData("/api/statistics/weekly?week=2026-47", "week")]
    [InlineData("/api/statistics/weekly", "week")]
    [InlineData("/api/statistics?from=2026-02-01&to=2026-01-01", "from")]
    [InlineData("/api/statistics?from=2020-01-01&to=2025-06-01", "to")]
    [InlineData("/api/statistics?from=2026-13-01&to=2026-12-31", "from")]
    [InlineData("/api/statistics?from=2026-01-01", "to")]
    [InlineData("/api/statistics/export.csv?from=1-1-2026&to=2026-01-31", "from")]
    public async Task BadParametersGive400NamingTheParameter(string url, string parameter)
    {
        var r = await _coordinator.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var errors = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(parameter, out _), errors.ToString());
    }

    [Fact]
    public async Task Week53ExistsIn2026()
    {
        var r = await WeekAsync("2026-W53");
        Assert.Equal("2026-12-28", r.GetProperty("from").GetString());
        Assert.Equal("2027-01-03", r.GetProperty("to").GetString());
    }

    [Fact]
    public async Task ExpertsGet403AndSeeOnlyTheirOwnFigures()
    {
        var expert = await App.ExpertClientAsync(1);
        Assert.Equal(HttpStatusCode.Forbidden, (await expert.GetAsync("/api/statistics/weekly?week=2026-W47")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await expert.GetAsync("/api/statistics?from=2026-11-16&to=2026-11-22")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await expert.GetAsync("/api/statistics/export.csv?from=2026-11-16&to=2026-11-22")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await expert.GetAsync("/api/statistics/experts?from=2026-11-16&to=2026-11-22")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateClient().GetAsync("/api/statistics/weekly?week=2026-W47")).StatusCode);

        await AddAsync(Form(Utc(2026, 11, 17, 12), 20));
        var mine = await expert.GetFromJsonAsync<JsonElement>("/api/statistics/me?from=2026-11-16&to=2026-11-22");
        Assert.Equal(1, mine.GetProperty("contacts").GetInt32());
        Assert.Equal(20, mine.GetProperty("otherContactMinutes").GetInt32());
        var other = await App.ExpertClientAsync(2);
        var theirs = await other.GetFromJsonAsync<JsonElement>("/api/statistics/me?from=2026-11-16&to=2026-11-22");
        Assert.Equal(0, theirs.GetProperty("contacts").GetInt32());
    }

    [Fact]
    public async Task CoordinatorSeesTheLiveSituationWithoutAnyContent()
    {
        await using var expert = await App.ExpertAsync(1);
        await using var visitor = await App.VisitorAsync();
        await visitor.StartAsync();
        await expert.Inbox.Next("ChatAssigned");
        await visitor.SendAsync("v1", "Dit is geheim");
        var raw = await _coordinator.GetStringAsync("/api/statistics/live");
        Assert.DoesNotContain("geheim", raw);
        var live = JsonDocument.Parse(raw).RootElement;
        Assert.True(live.GetProperty("open").GetBoolean());
        var sanne = live.GetProperty("experts").EnumerateArray().Single();
        Assert.Equal("Sanne", sanne.GetProperty("displayName").GetString());
        Assert.Equal(1, sanne.GetProperty("activeChats").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await (await App.ExpertClientAsync(2)).GetAsync("/api/statistics/live")).StatusCode);
    }
}

public sealed class SqliteStatisticsTests : StatisticsTests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStatisticsTests(PostgresServer postgres) : StatisticsTests
{
    protected override Task<ChatApp> CreateAppAsync() => postgres.AppAsync();
}
