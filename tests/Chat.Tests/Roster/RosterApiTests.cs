using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Roster;

/// <summary>The roster's REST rules, on a clock set to 10 March 2027 (Europe/Amsterdam moves to summer time on 28 March).</summary>
public abstract class RosterApiTests : RecordsProviderTests
{
    // Wednesday 10 March 2027, 13:00 in Amsterdam.
    protected ManualClock Clock { get; } = new(new DateTimeOffset(2027, 3, 10, 12, 0, 0, TimeSpan.Zero));

    protected static async Task<JsonElement> JsonAsync(HttpResponseMessage r) => await r.Content.ReadFromJsonAsync<JsonElement>();

    protected static Task<HttpResponseMessage> PlanAsync(HttpClient c, string user, string start, string end, int? repeatWeeks = null) =>
        c.PostAsJsonAsync("/api/roster", new { userName = user, start, end, repeatWeeks });

    private static async Task<int> CountAsync(HttpClient c) =>
        (await c.GetFromJsonAsync<JsonElement>("/api/roster?from=2027-03-01&to=2027-05-01")).GetArrayLength();

    [Fact]
    public async Task AWeeklyShiftKeepsItsLocalTimeAcrossTheChangeToSummerTime()
    {
        var coordinator = await App.CoordinatorClientAsync();
        var r = await PlanAsync(coordinator, "expert1", "2027-03-18T19:00:00+01:00", "2027-03-18T22:00:00+01:00", repeatWeeks: 2);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var created = await JsonAsync(r);
        Assert.Equal("expert1", created.GetProperty("userName").GetString());
        Assert.Equal("Sanne", created.GetProperty("displayName").GetString());
        Assert.Equal(DateTimeOffset.Parse("2027-03-18T18:00:00Z"), created.GetProperty("start").GetDateTimeOffset());
        var copies = created.GetProperty("copies").EnumerateArray().ToList();
        Assert.Equal(2, copies.Count);
        Assert.Equal(DateTimeOffset.Parse("2027-03-25T18:00:00Z"), copies[0].GetProperty("start").GetDateTimeOffset());
        // After 28 March: still 19:00-22:00 in Amsterdam, now UTC+2.
        Assert.Equal("2027-04-01T19:00:00+02:00", copies[1].GetProperty("start").GetString());
        Assert.Equal(DateTimeOffset.Parse("2027-04-01T20:00:00Z"), copies[1].GetProperty("end").GetDateTimeOffset());
        var series = created.GetProperty("id").GetInt64();
        Assert.All(copies, c => Assert.Equal(series, c.GetProperty("seriesId").GetInt64()));

        // Experts read the roster: their own shifts marked, colleagues by shown name only (no user names).
        var sanne = await App.ExpertClientAsync(1);
        var mine = await sanne.GetFromJsonAsync<JsonElement>("/api/roster?from=2027-03-15&to=2027-04-04");
        Assert.Equal(3, mine.GetArrayLength());
        Assert.All(mine.EnumerateArray(), s => Assert.True(s.GetProperty("mine").GetBoolean()));
        Assert.All(mine.EnumerateArray(), s => Assert.Equal(JsonValueKind.Null, s.GetProperty("userName").ValueKind));
        var ruben = await App.ExpertClientAsync(2);
        var theirs = await ruben.GetFromJsonAsync<JsonElement>("/api/roster?from=2027-03-15&to=2027-03-21");
        Assert.Equal("Sanne", Assert.Single(theirs.EnumerateArray()).GetProperty("displayName").GetString());
        Assert.False(theirs[0].GetProperty("mine").GetBoolean());
    }

    [Fact]
    public async Task BadShiftsNameTheFieldAndPlanNothing()
    {
        var coordinator = await App.CoordinatorClientAsync();
        async Task RefusedAsync(string field, string user, string start, string end, int? repeat = null)
        {
            var r = await PlanAsync(coordinator, user, start, end, repeat);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
            var errors = (await JsonAsync(r)).GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out var messages), $"{field} in {errors}");
            Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
        }
        await RefusedAsync("end", "expert1", "2027-03-18T19:00:00+01:00", "2027-03-18T18:00:00+01:00");
        await RefusedAsync("end", "expert1", "2027-03-18T08:00:00+01:00", "2027-03-18T20:30:00+01:00");
        await RefusedAsync("repeatWeeks", "expert1", "2027-03-18T19:00:00+01:00", "2027-03-18T22:00:00+01:00", 27);
        await RefusedAsync("repeatWeeks", "expert1", "2027-03-18T19:00:00+01:00", "2027-03-18T22:00:00+01:00", -1);
        await RefusedAsync("userName", "nobody", "2027-03-18T19:00:00+01:00", "2027-03-18T22:00:00+01:00");
        await RefusedAsync("userName", "", "2027-03-18T19:00:00+01:00", "2027-03-18T22:00:00+01:00");
        await RefusedAsync("start", "expert1", "2027-03-18T19:00:00", "2027-03-18T22:00:00+01:00");
        await RefusedAsync("start", "expert1", "morgen", "2027-03-18T22:00:00+01:00");

        // A disabled account cannot be planned.
        var accounts = await coordinator.GetFromJsonAsync<JsonElement>("/api/accounts");
        var ruben = accounts.EnumerateArray().Single(a => a.GetProperty("userName").GetString() == "expert2").GetProperty("id").GetString();
        await coordinator.PutAsJsonAsync($"/api/accounts/{ruben}", new { disabled = true });
        await RefusedAsync("userName", "expert2", "2027-03-18T19:00:00+01:00", "2027-03-18T22:00:00+01:00");

        Assert.Equal(0, await CountAsync(coordinator));
    }

    [Fact]
    public async Task AnOverlapWithTheSameExpertIsRefusedEvenWhenOnlyAWeeklyCopyOverlaps()
    {
        var coordinator = await App.CoordinatorClientAsync();
        Assert.Equal(HttpStatusCode.Created, (await PlanAsync(coordinator, "expert1", "2027-03-25T21:00:00+01:00", "2027-03-25T23:00:00+01:00")).StatusCode);

        var direct = await PlanAsync(coordinator, "expert1", "2027-03-25T20:00:00+01:00", "2027-03-25T21:30:00+01:00");
        Assert.Equal(HttpStatusCode.BadRequest, direct.StatusCode);
        Assert.True((await JsonAsync(direct)).GetProperty("errors").TryGetProperty("start", out _));

        var copy = await PlanAsync(coordinator, "expert1", "2027-03-18T19:00:00+01:00", "2027-03-18T22:00:00+01:00", repeatWeeks: 3);
        Assert.Equal(HttpStatusCode.BadRequest, copy.StatusCode);
        var text = (await JsonAsync(copy)).GetProperty("errors").GetProperty("repeatWeeks")[0].GetString();
        Assert.Contains("week 2", text);
        Assert.Equal(1, await CountAsync(coordinator));

        // Back to back is no overlap; a colleague may be planned at the same time.
        Assert.Equal(HttpStatusCode.Created, (await PlanAsync(coordinator, "expert1", "2027-03-25T19:00:00+01:00", "2027-03-25T21:00:00+01:00")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PlanAsync(coordinator, "expert2", "2027-03-25T20:00:00+01:00", "2027-03-25T22:00:00+01:00")).StatusCode);
        Assert.Equal(3, await CountAsync(coordinator));
    }

    [Fact]
    public async Task ExpertsReadTheRosterButCannotPlanOrDelete()
    {
        var coordinator = await App.CoordinatorClientAsync();
        var id = (await JsonAsync(await PlanAsync(coordinator, "expert1", "2027-03-18T19:00:00+01:00", "2027-03-18T22:00:00+01:00"))).GetProperty("id").GetInt64();
        var expert = await App.ExpertClientAsync(1);
        Assert.Equal(HttpStatusCode.Forbidden, (await PlanAsync(expert, "expert1", "2027-03-19T19:00:00+01:00", "2027-03-19T22:00:00+01:00")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await expert.DeleteJsonAsync($"/api/roster/{id}")).StatusCode);
        Assert.Equal(1, await CountAsync(expert));
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateClient().GetAsync("/api/roster")).StatusCode);
    }

    [Fact]
    public async Task DeletingRemovesOneShiftOrTheRestOfItsSeries()
    {
        var coordinator = await App.CoordinatorClientAsync();
        var created = await JsonAsync(await PlanAsync(coordinator, "expert2", "2027-03-15T10:00:00+01:00", "2027-03-15T12:00:00+01:00", repeatWeeks: 3));
        var copies = created.GetProperty("copies").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()).ToList();

        var one = await coordinator.DeleteJsonAsync($"/api/roster/{copies[0]}");
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal([copies[0]], (await JsonAsync(one)).GetProperty("deleted").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal(3, await CountAsync(coordinator));

        var rest = await coordinator.DeleteJsonAsync($"/api/roster/{copies[1]}?series=true");
        Assert.Equal([copies[1], copies[2]], (await JsonAsync(rest)).GetProperty("deleted").EnumerateArray().Select(d => d.GetInt64()));
        var left = await coordinator.GetFromJsonAsync<JsonElement>("/api/roster?from=2027-03-01&to=2027-05-01");
        Assert.Equal(created.GetProperty("id").GetInt64(), Assert.Single(left.EnumerateArray()).GetProperty("id").GetInt64());

        var gone = await coordinator.DeleteJsonAsync($"/api/roster/{copies[1]}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheRosterIsReadInLocalDaysWithinABoundedRange()
    {
        var coordinator = await App.CoordinatorClientAsync();
        // 23:30-01:00 in Amsterdam belongs to both local days it touches, and to no UTC-only reading.
        await PlanAsync(coordinator, "expert1", "2027-03-18T23:30:00+01:00", "2027-03-19T01:00:00+01:00");
        Assert.Equal(1, (await coordinator.GetFromJsonAsync<JsonElement>("/api/roster?from=2027-03-19&to=2027-03-19")).GetArrayLength());
        Assert.Equal(0, (await coordinator.GetFromJsonAsync<JsonElement>("/api/roster?from=2027-03-17&to=2027-03-17")).GetArrayLength());
        var tooLong = await coordinator.GetAsync("/api/roster?from=2027-01-01&to=2027-06-01");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.True((await JsonAsync(tooLong)).GetProperty("errors").TryGetProperty("to", out _));
        var bad = await coordinator.GetAsync("/api/roster?from=18-03-2027");
        Assert.True((await JsonAsync(bad)).GetProperty("errors").TryGetProperty("from", out _));
    }

    [Fact]
    public async Task TheStatusGivesTheNextOpeningAndTheWeeksMergedHoursButStaysClosed()
    {
        var coordinator = await App.CoordinatorClientAsync();
        await PlanAsync(coordinator, "expert1", "2027-03-10T19:00:00+01:00", "2027-03-10T21:00:00+01:00");
        await PlanAsync(coordinator, "expert2", "2027-03-10T20:30:00+01:00", "2027-03-10T22:00:00+01:00");
        await PlanAsync(coordinator, "expert2", "2027-03-10T22:00:00+01:00", "2027-03-10T23:00:00+01:00"); // follows on
        await PlanAsync(coordinator, "expert1", "2027-03-11T10:00:00+01:00", "2027-03-11T12:00:00+01:00");
        await PlanAsync(coordinator, "expert1", "2027-03-20T10:00:00+01:00", "2027-03-20T12:00:00+01:00"); // beyond 7 days
        var anonymous = App.CreateClient();

        var s = await anonymous.GetFromJsonAsync<JsonElement>("/api/status");
        Assert.False(s.GetProperty("open").GetBoolean()); // planned, but nobody is on shift
        Assert.Equal(DateTimeOffset.Parse("2027-03-10T18:00:00Z"), s.GetProperty("nextOpening").GetDateTimeOffset());
        var upcoming = s.GetProperty("upcoming").EnumerateArray().Select(u => (u.GetProperty("start").GetDateTimeOffset(), u.GetProperty("end").GetDateTimeOffset())).ToList();
        Assert.Equal([
            (DateTimeOffset.Parse("2027-03-10T18:00:00Z"), DateTimeOffset.Parse("2027-03-10T22:00:00Z")),
            (DateTimeOffset.Parse("2027-03-11T09:00:00Z"), DateTimeOffset.Parse("2027-03-11T11:00:00Z")),
        ], upcoming);

        // 19:45 and Sanne did not come: Ruben's shift at 20:30 is the next chance; the evening block still shows whole.
        Clock.Advance(TimeSpan.FromMinutes(6 * 60 + 45));
        s = await anonymous.GetFromJsonAsync<JsonElement>("/api/status");
        Assert.Equal(DateTimeOffset.Parse("2027-03-10T19:30:00Z"), s.GetProperty("nextOpening").GetDateTimeOffset());
        Assert.Equal(DateTimeOffset.Parse("2027-03-10T18:00:00Z"), s.GetProperty("upcoming")[0].GetProperty("start").GetDateTimeOffset());

        // Saturday 20 March, after the last shift: nothing planned in the next 14 days.
        Clock.Advance(TimeSpan.FromDays(10));
        s = await anonymous.GetFromJsonAsync<JsonElement>("/api/status");
        Assert.Equal(JsonValueKind.Null, s.GetProperty("nextOpening").ValueKind);
        Assert.Equal(0, s.GetProperty("upcoming").GetArrayLength());
    }

    [Fact]
    public async Task TheWorkloadShowsPlannedHoursNextToHoursOnShift()
    {
        var coordinator = await App.CoordinatorClientAsync();
        await PlanAsync(coordinator, "expert1", "2027-03-08T19:00:00+01:00", "2027-03-08T22:00:00+01:00", repeatWeeks: 1);
        await PlanAsync(coordinator, "expert1", "2027-03-14T23:00:00+01:00", "2027-03-15T01:30:00+01:00"); // half in the week
        var week = await coordinator.GetFromJsonAsync<JsonElement>("/api/statistics/experts?from=2027-03-08&to=2027-03-14");
        var sanne = week.EnumerateArray().Single(e => e.GetProperty("displayName").GetString() == "Sanne");
        Assert.Equal(4.0, sanne.GetProperty("plannedHours").GetDouble());
        Assert.Equal(0.0, sanne.GetProperty("shiftHours").GetDouble());
        var ruben = week.EnumerateArray().Single(e => e.GetProperty("displayName").GetString() == "Ruben");
        Assert.Equal(0.0, ruben.GetProperty("plannedHours").GetDouble());
    }

    [Fact]
    public async Task TheCoordinatorSetsGenderAndLanguagesWithClearErrors()
    {
        var coordinator = await App.CoordinatorClientAsync();
        var list = await coordinator.GetFromJsonAsync<JsonElement>("/api/accounts");
        var sanne = list.EnumerateArray().Single(a => a.GetProperty("userName").GetString() == "expert1");
        Assert.Equal("woman", sanne.GetProperty("gender").GetString());
        Assert.Equal(["nl", "en"], sanne.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));

        var r = await coordinator.PostAsJsonAsync("/api/accounts", new
        {
            userName = "aylin", displayName = "Aylin", experience = "victim", password = "Tulp-Regenjas-Molen-51", gender = "woman", languages = new[] { "nl", "tr" },
        });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var aylin = await JsonAsync(r);
        Assert.Equal("woman", aylin.GetProperty("gender").GetString());
        Assert.Equal(["nl", "tr"], aylin.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));
        var id = aylin.GetProperty("id").GetString();

        var defaults = await JsonAsync(await coordinator.PostAsJsonAsync("/api/accounts", new
        {
            userName = "kees", displayName = "Kees", experience = "perpetrator", password = "Tulp-Regenjas-Molen-51",
        }));
        Assert.Equal("unspecified", defaults.GetProperty("gender").GetString());
        Assert.Equal(["nl"], defaults.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));

        foreach (var (body, field) in new (object, string)[]
        {
            (new { gender = "female" }, "gender"),
            (new { languages = Array.Empty<string>() }, "languages"),
            (new { languages = new[] { "nl", "en", "de", "fr", "tr", "ar" } }, "languages"),
            (new { languages = new[] { "NL" } }, "languages"),
            (new { languages = new[] { "nld" } }, "languages"),
            (new { languages = new[] { "nl", "nl" } }, "languages"),
        })
        {
            var bad = await coordinator.PutAsJsonAsync($"/api/accounts/{id}", body);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.True((await JsonAsync(bad)).GetProperty("errors").TryGetProperty(field, out _), $"{field}: {body}");
        }
        var badCreate = await coordinator.PostAsJsonAsync("/api/accounts", new
        {
            userName = "piet", displayName = "Piet", experience = "victim", password = "Tulp-Regenjas-Molen-51", gender = "x", languages = new[] { "e" },
        });
        var errors = (await JsonAsync(badCreate)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("gender", out _) && errors.TryGetProperty("languages", out _));

        var ok = await JsonAsync(await coordinator.PutAsJsonAsync($"/api/accounts/{id}", new { gender = "other", languages = new[] { "ar", "nl", "en" } }));
        Assert.Equal("other", ok.GetProperty("gender").GetString());
        Assert.Equal(["ar", "nl", "en"], ok.GetProperty("languages").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("Aylin", ok.GetProperty("displayName").GetString());
    }
}

public sealed class SqliteRosterApiTests : RosterApiTests
{
    protected override Task<ChatApp> CreateAppAsync() => Task.FromResult(new ChatApp { Clock = Clock });
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRosterApiTests(PostgresServer postgres) : RosterApiTests
{
    protected override async Task<ChatApp> CreateAppAsync() => new(new()
    {
        ["Records:Provider"] = "Postgres",
        ["ConnectionStrings:Records"] = await postgres.CreateDatabaseAsync(),
    }) { Clock = Clock };
}
