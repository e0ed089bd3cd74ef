using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Chat.Server.Accounts;
using Chat.Tests.Attacks;
using Chat.Tests.Infrastructure;
using OtpNet;

namespace Chat.Tests.Accounts;

/// <summary>
/// Issue 19 (points 3 and 4), tried as the attacker did: guessing codes with a stolen session, replaying an accepted
/// code, finishing a sign-in that began before the owner changed the password. On a clock the test moves (the codes are
/// computed for it), in the middle of a 30-second step, on SQLite and on PostgreSQL; two nodes share the records.
/// </summary>
public abstract class SecondFactorTests : IAsyncLifetime
{
    // The middle of a 30-second step: a code computed here is not for another step by the time the server checks it.
    protected readonly ManualClock Clock = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30 * 30 + 15));
    private readonly List<ChatApp> _apps = [];

    /// <summary>Settings for a new, empty records database (the same settings give a second node on it).</summary>
    protected abstract Task<Dictionary<string, string?>> NewRecordsAsync();

    protected ChatApp Node(Dictionary<string, string?> records)
    {
        var app = new ChatApp(records) { Clock = Clock };
        _apps.Add(app);
        return app;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
    }

    /// <summary>What the authenticator app shows on the test's clock, <paramref name="step"/> steps of 30 s later.</summary>
    private string Code(string secret, int step = 0) =>
        new Totp(Base32Encoding.ToBytes(secret), step: 30, totpSize: 6).ComputeTotp(Clock.GetUtcNow().UtcDateTime.AddSeconds(30 * step));

    /// <summary>A code that is wrong for every step the server accepts now.</summary>
    private string Wrong(string secret, int n = 0)
    {
        var valid = Enumerable.Range(-3, 7).Select(s => Code(secret, s)).ToHashSet();
        return Enumerable.Range(100000 + n * 1000, 1000).Select(i => i.ToString()).First(c => !valid.Contains(c));
    }

    private async Task<string> TurnOnAsync(HttpClient client)
    {
        var secret = await TwoFactorTests.SetUpAsync(client);
        var r = await client.PostAsJsonAsync("/api/auth/two-factor/enable", new { code = Code(secret) });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return secret;
    }

    private static HttpClient Browser(ChatApp app) => app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string userName, string password, string? code = null) =>
        client.PostAsJsonAsync("/api/auth/login", new { userName, password, code });

    private static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;

    /// <summary>The console's first step (user name and password); answers the code step's page.</summary>
    private static async Task<string> ConsolePasswordStepAsync(HttpClient browser, string userName, string password)
    {
        var r = await browser.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = userName, ["Password"] = password, ["__RequestVerificationToken"] = Token(await browser.GetStringAsync("/console/login")),
        }));
        var page = await r.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Contains("name=\"Code\"", page);
        return page;
    }

    private static Task<HttpResponseMessage> ConsoleCodeStepAsync(HttpClient browser, string page, string userName, string code) =>
        browser.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = userName, ["Code"] = code, ["__RequestVerificationToken"] = Token(page),
        }));

    private static async Task<string> TitleAsync(HttpResponseMessage r) =>
        (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString() ?? "";

    private static string RetryAfter(HttpResponseMessage r) => r.Headers.RetryAfter?.Delta?.TotalSeconds.ToString() ?? "none";

    [Fact]
    public async Task FiveWrongCodesLockEveryCodeStepOfTheAccountButNeverThePasswordStep()
    {
        var records = await NewRecordsAsync();
        var app = Node(records);
        var stolen = await app.ExpertClientAsync(1);
        var secret = await TurnOnAsync(stolen);

        var wrong = new List<int>();
        for (var i = 0; i < 5; i++)
            wrong.Add((int)(await stolen.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = Wrong(secret, i) })).StatusCode);
        var right = await stolen.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = Code(secret, 1) });
        var api = await LoginAsync(app.CreateClient(), "expert1", "Demo-Expert-1", Code(secret, 1));
        var passwordOnly = await LoginAsync(app.CreateClient(), "expert1", "Demo-Expert-1");
        var browser = Browser(app);
        var step = await ConsolePasswordStepAsync(browser, "expert1", "Demo-Expert-1");
        var console = await ConsoleCodeStepAsync(browser, step, "expert1", Code(secret, 1));
        var consolePage = await console.Content.ReadAsStringAsync();
        var stranger = await LoginAsync(app.CreateClient(), "expert1", "Geraden-Wachtwoord-1", Code(secret, 1));
        var other = await LoginAsync(app.CreateClient(), "expert2", "Demo-Expert-2");
        AttackTable.Row("2FA disable code guessing with a stolen session", "429 after 5 wrong codes, right code refused while locked",
            $"5 wrong: {string.Join(",", wrong)}; right code: {(int)right.StatusCode} Retry-After {RetryAfter(right)} s; sign-in with password and right code " +
            $"{(int)api.StatusCode}, console code step {(int)console.StatusCode}; password step alone {(int)passwordOnly.StatusCode} (code asked); " +
            $"stranger without the password {(int)stranger.StatusCode}; other account {(int)other.StatusCode}");

        Assert.Equal([400, 400, 400, 400, 400], wrong);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal("application/problem+json", right.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Te veel foute codes", await TitleAsync(right));
        Assert.InRange(right.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 14 * 60, 15 * 60);
        Assert.True((await stolen.GetFromJsonAsync<JsonElement>("/api/auth/two-factor")).GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
        Assert.Equal("Te veel foute codes", await TitleAsync(api));
        Assert.NotNull(api.Headers.RetryAfter);
        Assert.False(api.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.TooManyRequests, console.StatusCode);
        Assert.NotNull(console.Headers.RetryAfter);
        Assert.Contains("Te veel foute codes", consolePage);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/auth/me")).StatusCode);
        // The password step is not stopped (it asks for the code); a stranger without the password sees nothing of the lock.
        Assert.Equal(HttpStatusCode.Unauthorized, passwordOnly.StatusCode);
        Assert.True((await passwordOnly.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("twoFactorRequired").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, stranger.StatusCode);
        Assert.Equal("Inloggen mislukt", await TitleAsync(stranger));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);

        // A quarter of an hour later the right code works again (on another node too: the limit is in the records).
        Clock.Advance(TimeSpan.FromMinutes(15));
        var later = await Node(records).CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = "expert1", password = "Demo-Expert-1", code = Code(secret) });
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task EnableSharesTheLimitAndItsLockNeverStopsAPasswordOnlySignIn()
    {
        var app = Node(await NewRecordsAsync());
        var client = await app.ExpertClientAsync(2);
        var secret = await TwoFactorTests.SetUpAsync(client);
        var answers = new List<int>();
        for (var i = 0; i < 6; i++)
            answers.Add((int)(await client.PostAsJsonAsync("/api/auth/two-factor/enable", new { code = i < 5 ? Wrong(secret, i) : Code(secret) })).StatusCode);
        Assert.Equal([400, 400, 400, 400, 400, 429], answers);
        Assert.False((await client.GetFromJsonAsync<JsonElement>("/api/auth/two-factor")).GetProperty("enabled").GetBoolean());
        // Two-factor is off for this account: signing in takes the password only, lock or not.
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(app.CreateClient(), "expert2", "Demo-Expert-2")).StatusCode);
        Clock.Advance(SecondFactor.LockTime);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/two-factor/enable", new { code = Code(secret) })).StatusCode);
    }

    [Fact]
    public async Task GuessesAtOnceOnTwoNodesGetFiveTriesInAll()
    {
        var records = await NewRecordsAsync();
        var a = Node(records);
        var b = Node(records);
        var onA = await a.ExpertClientAsync(1);
        var secret = await TurnOnAsync(onA);
        var onB = Browser(b);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(onB, "expert1", "Demo-Expert-1", Code(secret, 1))).StatusCode);

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            (i % 2 == 0 ? onA : onB).PostAsJsonAsync("/api/auth/two-factor/disable", new { code = Wrong(secret, i) })));
        var codes = answers.Select(r => (int)r.StatusCode).Order().ToList();
        AttackTable.Row("2FA code guessing: 16 wrong codes at once through two nodes", "5 checked (400), the rest 429",
            string.Join(",", codes.GroupBy(c => c).Select(g => $"{g.Count()}×{g.Key}")));
        Assert.Equal(5, codes.Count(c => c == 400));
        Assert.Equal(11, codes.Count(c => c == 429));
    }

    [Fact]
    public async Task AnAppCodeIsAcceptedOnlyForALaterStepThanTheLastAcceptedOne()
    {
        var records = await NewRecordsAsync();
        var a = Node(records);
        var b = Node(records);
        var secret = await TurnOnAsync(await a.ExpertClientAsync(1)); // step 0 accepted
        async Task<int> TryAsync(ChatApp node, int step) =>
            (int)(await LoginAsync(node.CreateClient(), "expert1", "Demo-Expert-1", Code(secret, step))).StatusCode;

        var next = await TryAsync(a, 1);      // a later step: accepted
        var earlier = await TryAsync(b, 0);   // the code that switched it on (still valid in the window, but not later)
        var before = await TryAsync(b, -1);   // the step before: in the window, but earlier
        var again = await TryAsync(a, 1);     // the same code again
        // One new code brought twice at the same moment, through both nodes: one sign-in.
        Clock.Advance(TimeSpan.FromSeconds(30));
        var twice = await Task.WhenAll(TryAsync(a, 1), TryAsync(b, 1));
        AttackTable.Row("TOTP replay of an earlier accepted code", "only a later step than the last accepted: step+1 200, then step 0, step-1 and step+1 again 401; the same new code twice at once: one 200",
            $"step+1 {next}; step 0 {earlier}; step-1 {before}; step+1 again {again}; same code twice at once through two nodes: {string.Join(",", twice.Order())}");
        Assert.Equal(200, next);
        Assert.Equal(401, earlier);
        Assert.Equal(401, before);
        Assert.Equal(401, again);
        Assert.Equal([200, 401], twice.Order());
    }

    [Fact]
    public async Task AHalfFinishedSignInEndsWhenThePasswordOrTheSecurityStampChanges()
    {
        var app = Node(await NewRecordsAsync());
        var owner = await app.ExpertClientAsync(1);
        var secret = await TurnOnAsync(owner);

        // Someone who knows the old password gets to the code step; the owner changes the password meanwhile.
        var attacker = Browser(app);
        var step = await ConsolePasswordStepAsync(attacker, "expert1", "Demo-Expert-1");
        var changed = await owner.PostAsJsonAsync("/api/auth/password", new { currentPassword = "Demo-Expert-1", newPassword = "Paard accu nietje correct" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        var finish = await ConsoleCodeStepAsync(attacker, step, "expert1", Code(secret, 1));
        var page = await finish.Content.ReadAsStringAsync();
        var me = await attacker.GetAsync("/api/auth/me");

        // A change of roles (a new security stamp, the same password) ends one too.
        var second = Browser(app);
        var step2 = await ConsolePasswordStepAsync(second, "expert1", "Paard accu nietje correct");
        var boss = await app.CoordinatorClientAsync();
        var id = (await boss.GetFromJsonAsync<JsonElement>("/api/accounts")).EnumerateArray()
            .Single(x => x.GetProperty("userName").GetString() == "expert1").GetProperty("id").GetString();
        (await boss.PutAsJsonAsync($"/api/accounts/{id}", new { coordinator = true })).EnsureSuccessStatusCode();
        var finish2 = await ConsoleCodeStepAsync(second, step2, "expert1", Code(secret, 1));

        AttackTable.Row("half-finished sign-in after password change", "the code step after a new password (or security stamp) signs nobody in: back to the password",
            $"code step after password change {(int)finish.StatusCode} ({(page.Contains("name=\"Password\"") ? "password asked again" : "no password field")}), me {(int)me.StatusCode}; " +
            $"after a change of roles {(int)finish2.StatusCode}");
        Assert.Equal(HttpStatusCode.Unauthorized, finish.StatusCode);
        Assert.Contains("name=\"Password\"", page);
        Assert.DoesNotContain("name=\"Code\"", page);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, finish2.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/auth/me")).StatusCode);
        // The code was not used up by those attempts: the owner signs in with it and the new password.
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(app.CreateClient(), "expert1", "Paard accu nietje correct", Code(secret, 1))).StatusCode);
    }
}

public sealed class SqliteSecondFactorTests : SecondFactorTests
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));

    protected override Task<Dictionary<string, string?>> NewRecordsAsync()
    {
        Directory.CreateDirectory(_dir);
        return Task.FromResult(new Dictionary<string, string?> { ["ConnectionStrings:Records"] = $"Data Source={Path.Combine(_dir, "chat.db")}" });
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSecondFactorTests(PostgresServer postgres) : SecondFactorTests
{
    protected override async Task<Dictionary<string, string?>> NewRecordsAsync() => new()
    {
        ["Records:Provider"] = "Postgres",
        ["ConnectionStrings:Records"] = await postgres.CreateDatabaseAsync(),
    };
}
