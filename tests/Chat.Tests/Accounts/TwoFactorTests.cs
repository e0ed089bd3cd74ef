using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using OtpNet;

namespace Chat.Tests.Accounts;

/// <summary>Two-factor sign-in with a real authenticator code computed from the secret the server hands out.</summary>
public sealed class TwoFactorTests : IAsyncLifetime
{
    private readonly ChatApp _app = new();
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>What an authenticator app shows for this secret now (or a step later, as a phone a little ahead would).</summary>
    public static string Code(string secret, int step = 0) =>
        new Totp(Base32Encoding.ToBytes(secret), step: 30, totpSize: 6).ComputeTotp(DateTime.UtcNow.AddSeconds(30 * step));

    public static async Task<string> SetUpAsync(HttpClient client)
    {
        var r = await client.PostEmptyJsonAsync("/api/auth/two-factor/setup");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
    }

    public static async Task<(string Secret, string[] RecoveryCodes)> TurnOnAsync(HttpClient client)
    {
        var secret = await SetUpAsync(client);
        var r = await client.PostAsJsonAsync("/api/auth/two-factor/enable", new { code = Code(secret) });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var codes = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        return (secret, codes);
    }

    private Task<HttpResponseMessage> LoginAsync(string userName, string password, string? code = null) =>
        _app.CreateClient(new() { HandleCookies = false, AllowAutoRedirect = false })
            .PostAsJsonAsync("/api/auth/login", new { userName, password, code });

    private static async Task AssertCodeProblemAsync(HttpResponseMessage r)
    {
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var errors = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("code", out var messages));
        Assert.NotEmpty(messages.EnumerateArray().First().GetString()!);
    }

    private static async Task<bool> IsOnAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/auth/two-factor")).GetProperty("enabled").GetBoolean();

    [Fact]
    public async Task SetUpGivesABase32SecretAnOtpauthUriWithIssuerAndAnSvgQrCode()
    {
        var client = await _app.ExpertClientAsync(1);
        var r = await client.PostEmptyJsonAsync("/api/auth/two-factor/setup");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await r.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("secret").GetString()!;
        Assert.Matches("^[A-Z2-7]{16,}$", secret);
        var uri = new Uri(body.GetProperty("otpauthUri").GetString()!);
        Assert.Equal("otpauth", uri.Scheme);
        Assert.Equal("totp", uri.Host);
        Assert.EndsWith(":expert1", Uri.UnescapeDataString(uri.AbsolutePath));
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        Assert.Equal(secret, query["secret"]);
        Assert.False(string.IsNullOrWhiteSpace(query["issuer"]));
        Assert.StartsWith(query["issuer"] + ":", Uri.UnescapeDataString(uri.AbsolutePath).TrimStart('/'));
        Assert.Equal("6", query["digits"]);
        Assert.Equal("30", query["period"]);
        var svg = body.GetProperty("qrSvg").GetString()!;
        Assert.StartsWith("<svg", svg.TrimStart());
        Assert.DoesNotContain("http://", svg.Replace("http://www.w3.org/", ""));
        Assert.False(await IsOnAsync(client)); // set-up alone changes nothing
    }

    [Fact]
    public async Task SetUpNeedsASignedInAccount()
    {
        var r = await _app.CreateClient().PostEmptyJsonAsync("/api/auth/two-factor/setup");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
    }

    [Fact]
    public async Task EnableWithAWrongOrMissingCodeIs400AndLeavesItOff()
    {
        var client = await _app.ExpertClientAsync(1);
        var secret = await SetUpAsync(client);
        var wrong = Code(secret) == "000000" ? "111111" : "000000";
        await AssertCodeProblemAsync(await client.PostAsJsonAsync("/api/auth/two-factor/enable", new { code = wrong }));
        await AssertCodeProblemAsync(await client.PostAsJsonAsync("/api/auth/two-factor/enable", new { code = "" }));
        await AssertCodeProblemAsync(await client.PostAsJsonAsync("/api/auth/two-factor/enable", new { }));
        Assert.False(await IsOnAsync(client));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("expert1", "Demo-Expert-1")).StatusCode);
    }

    [Fact]
    public async Task EnableWithARealCodeGivesTenRecoveryCodes()
    {
        var client = await _app.ExpertClientAsync(1);
        var (_, codes) = await TurnOnAsync(client);
        Assert.Equal(10, codes.Length);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.True(c.Length >= 8));
        Assert.True(await IsOnAsync(client));
        // This session goes on after the switch (the security stamp changed under it).
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task AnOldSecretStopsWorkingWhenSetUpIsStartedAgain()
    {
        var client = await _app.ExpertClientAsync(1);
        var first = await SetUpAsync(client);
        var second = await SetUpAsync(client);
        Assert.NotEqual(first, second);
        await AssertCodeProblemAsync(await client.PostAsJsonAsync("/api/auth/two-factor/enable", new { code = Code(first) }));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/two-factor/enable", new { code = Code(second) })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostEmptyJsonAsync("/api/auth/two-factor/setup")).StatusCode);
    }

    [Fact]
    public async Task WithTwoFactorOnLoginNeedsACodeAndARecoveryCodeWorksOnce()
    {
        var client = await _app.ExpertClientAsync(1);
        var (secret, recovery) = await TurnOnAsync(client);

        var without = await LoginAsync("expert1", "Demo-Expert-1");
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal("application/problem+json", without.Content.Headers.ContentType?.MediaType);
        Assert.True((await without.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("twoFactorRequired").GetBoolean());
        Assert.False(without.Headers.Contains("Set-Cookie"));

        var wrong = await LoginAsync("expert1", "Demo-Expert-1", Code(secret) == "000000" ? "111111" : "000000");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));

        var withCode = await LoginAsync("expert1", "Demo-Expert-1", Code(secret, step: 1));
        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
        Assert.True(withCode.Headers.Contains("Set-Cookie"));

        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("expert1", "Demo-Expert-1", recovery[3])).StatusCode);
        var again = await LoginAsync("expert1", "Demo-Expert-1", recovery[3]);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.False(again.Headers.Contains("Set-Cookie"));

        // A right code never helps a wrong password.
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync("expert1", "Demo-Expert-9", recovery[4])).StatusCode);
    }

    [Fact]
    public async Task TheConsolesCodeStepNeverCarriesThePasswordAndTakesTheCodeAlone()
    {
        var (secret, recovery) = await TurnOnAsync(await _app.ExpertClientAsync(1));
        var browser = _app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        static string Token(string html) => System.Text.RegularExpressions.Regex.Match(html,
            "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var first = await browser.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "expert1", ["Password"] = "Demo-Expert-1", ["__RequestVerificationToken"] = Token(await browser.GetStringAsync("/console/login")),
        }));
        var step = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Contains("name=\"Code\"", step);
        Assert.DoesNotContain("Demo-Expert-1", step);
        var second = await browser.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "expert1", ["Code"] = Code(secret, step: 1), ["__RequestVerificationToken"] = Token(step),
        }));
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/auth/me")).StatusCode);
        // Without the first step (no password given a moment ago) a code alone signs nobody in.
        var stranger = _app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var alone = await stranger.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "expert1", ["Code"] = recovery[0], ["__RequestVerificationToken"] = Token(await stranger.GetStringAsync("/console/login")),
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, alone.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("expert1", "Demo-Expert-1", recovery[0])).StatusCode); // it was not used up
    }

    [Fact]
    public async Task DisableNeedsAValidCodeAndThenLoginNeedsNone()
    {
        var client = await _app.ExpertClientAsync(2);
        var (secret, _) = await TurnOnAsync(client);
        await AssertCodeProblemAsync(await client.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = "123" }));
        await AssertCodeProblemAsync(await client.PostAsJsonAsync("/api/auth/two-factor/disable", new { }));
        Assert.True(await IsOnAsync(client));

        // The code that switched it on does not work a second time (seen over a shoulder); the next one does.
        await AssertCodeProblemAsync(await client.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = Code(secret) }));
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = Code(secret, 1) })).StatusCode);
        Assert.False(await IsOnAsync(client));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync("expert2", "Demo-Expert-2")).StatusCode);
    }

    [Fact]
    public async Task DisableAcceptsARecoveryCodeAsTypedAndOldRecoveryCodesDieWithIt()
    {
        var client = await _app.ExpertClientAsync(2);
        var (_, recovery) = await TurnOnAsync(client);
        // Typed in lower case, without the dash.
        var typed = recovery[0].Replace("-", "").ToLowerInvariant();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = typed })).StatusCode);
        Assert.False(await IsOnAsync(client));

        var (secret, _) = await TurnOnAsync(client);
        await AssertCodeProblemAsync(await client.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = recovery[1] }));
        Assert.True(await IsOnAsync(client));
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = Code(secret, 1) })).StatusCode);
    }
}

/// <summary><c>Security:RequireTwoFactorForCoordinators</c>: a coordinator without two-factor sets it up before anything else.</summary>
public sealed class TwoFactorRequirementTests : IAsyncLifetime
{
    private readonly ChatApp _app = new(new() { ["Security:RequireTwoFactorForCoordinators"] = "true" });
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task CoordinatorGets403OnTheApiUntilTwoFactorIsOn()
    {
        var client = await _app.CoordinatorClientAsync();
        var refused = await client.GetAsync("/api/accounts");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Tweestapsverificatie", problem.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/statistics/live")).StatusCode);

        // Who am I and the set-up itself stay open.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/auth/me")).StatusCode);
        var state = await client.GetFromJsonAsync<JsonElement>("/api/auth/two-factor");
        Assert.True(state.GetProperty("required").GetBoolean());

        await TwoFactorTests.TurnOnAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/accounts")).StatusCode);
    }

    [Fact]
    public async Task CoordinatorConsolePagesRedirectToTheSetUpPage()
    {
        var client = await _app.CoordinatorClientAsync();
        foreach (var page in new[] { "/console", "/console/accounts", "/console/statistics" })
        {
            var r = await client.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
            Assert.Equal("/console/two-factor", r.Headers.Location!.OriginalString);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console/two-factor")).StatusCode);
        // The public side is not the coordinator's console: the widget's status still answers.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/status")).StatusCode);
    }

    [Fact]
    public async Task CoordinatorCannotOpenTheExpertHubUntilTwoFactorIsOn()
    {
        var cookie = await _app.CookieAsync("coordinator", "Demo-Coordinator-1");
        await using var hub = _app.Hub("/hubs/expert", cookie);
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync());
        Assert.Contains("403", ex.ToString());
    }

    [Fact]
    public async Task ExpertsAreNotAffected()
    {
        var client = await _app.ExpertClientAsync(1);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/contacts/pending")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console")).StatusCode);
        Assert.False((await client.GetFromJsonAsync<JsonElement>("/api/auth/two-factor")).GetProperty("required").GetBoolean());
        await using var expert = await _app.ExpertAsync(1);
    }

    [Fact]
    public async Task WithoutTheSettingInDevelopmentCoordinatorsAreNotHeldUp()
    {
        await using var dev = new ChatApp();
        var client = await dev.CoordinatorClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/accounts")).StatusCode);
    }
}
