using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Attacks;

/// <summary>
/// Every state-changing /api request is JSON or carries the antiforgery token (Abuse/ApiWriteGate.cs): what another
/// site's page can send without asking (a form: text/plain, form-encoded; a bodiless fetch: no type) answers 415 and
/// changes nothing. The quick exit's beacon is the one exception.
/// </summary>
public sealed class ApiWriteGateTests : IAsyncLifetime
{
    private readonly ChatApp _app = new();
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ACrossSiteFormPostToLogoutIsRefusedAndTheSessionStays()
    {
        var client = await _app.ExpertClientAsync(1);
        var form = await client.PostAsync("/api/auth/logout", new StringContent("x=1", Encoding.UTF8, "text/plain"));
        var encoded = await client.PostAsync("/api/auth/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }));
        var bare = await client.PostAsync("/api/auth/logout", null);
        var me = await client.GetAsync("/api/auth/me");
        AttackTable.Row("form POST to /api/auth/logout (text/plain, cross-site form)", "415, session still valid",
            $"text/plain {(int)form.StatusCode}, form-encoded {(int)encoded.StatusCode}, no type {(int)bare.StatusCode}; session: /api/auth/me {(int)me.StatusCode}");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, encoded.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, bare.StatusCode);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        // As the console sends it: JSON, and the session ends.
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostEmptyJsonAsync("/api/auth/logout")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task EveryOtherBodilessWriteNeedsJsonToo()
    {
        var coordinator = await _app.CoordinatorClientAsync();
        var setup = await coordinator.PostAsync("/api/auth/two-factor/setup", null);
        var setupText = await coordinator.PostAsync("/api/auth/two-factor/setup", new StringContent("", Encoding.UTF8, "text/plain"));
        var delete = await coordinator.DeleteAsync("/api/debriefs/1");
        var put = await coordinator.PutAsync("/api/replies/1", new StringContent("{}", Encoding.UTF8, "text/plain"));
        var post = await coordinator.PostAsync("/api/accounts", new StringContent("{}", Encoding.UTF8, "text/plain"));
        Assert.Equal([HttpStatusCode.UnsupportedMediaType, HttpStatusCode.UnsupportedMediaType, HttpStatusCode.UnsupportedMediaType,
            HttpStatusCode.UnsupportedMediaType, HttpStatusCode.UnsupportedMediaType],
            new[] { setup.StatusCode, setupText.StatusCode, delete.StatusCode, put.StatusCode, post.StatusCode });
        // Reads are not writes; the same calls as JSON pass the gate (and get their own answers).
        Assert.Equal(HttpStatusCode.OK, (await coordinator.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.DeleteJsonAsync("/api/debriefs/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostEmptyJsonAsync("/api/auth/two-factor/setup")).StatusCode);
    }

    [Fact]
    public async Task TheAntiforgeryTokenOfTheConsolesPageIsAcceptedInsteadOfJson()
    {
        var client = await _app.ExpertClientAsync(1);
        var page = await client.GetStringAsync("/console");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        var withToken = await client.PostAsync("/api/auth/logout",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.NoContent, withToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task JsonInAnotherCharsetOrAnUnreadableFormIsRefusedWithoutAnErrorInTheLog()
    {
        using var anonymous = _app.CreateClient();
        async Task<HttpStatusCode> PostAsync(HttpClient client, string path, string contentType, string body = """{"text":"x"}""")
        {
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            return (await client.PostAsync(path, content)).StatusCode;
        }
        var before = _app.Logs.Lines.Count;
        // (an unknown charset made the framework's JSON reader throw: a 500 and a stack trace in the log, for anyone)
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await PostAsync(anonymous, "/api/mailbox/open", "application/json; charset=utf-7"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await PostAsync(anonymous, "/api/mailbox", "application/json; charset=utf-16"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await PostAsync(anonymous, "/api/auth/login", "application/json; charset=latin1"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await PostAsync(anonymous, "/api/mailbox/open", "application/json; charset=\"utf-8\""));
        // UTF-8 named in any case passes the gate (and gets the endpoint's own answer: here a bad code).
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(anonymous, "/api/mailbox/open", "application/json; charset=UTF-8", """{"code":"x"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(anonymous, "/api/mailbox/open", "application/json; charset=utf-8", """{"code":"x"}"""));

        // A signed-in console's form that cannot be read (a multipart body without its parts) is no token either.
        var expert = await _app.ExpertClientAsync(1);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await PostAsync(expert, "/api/auth/logout", "multipart/form-data; boundary=x", "nonsense"));
        Assert.Equal(HttpStatusCode.OK, (await expert.GetAsync("/api/auth/me")).StatusCode);

        var added = _app.Logs.Lines.Skip(before).ToList();
        Assert.DoesNotContain(added, l => l.StartsWith("Error") || l.StartsWith("Critical") || l.Contains("Exception"));
    }

    [Fact]
    public async Task TheQuickExitsBeaconStaysTextPlain()
    {
        await using var expert = await _app.ExpertAsync(1); // open
        await using var visitor = await _app.VisitorAsync();
        var token = (await visitor.StartAsync()).ResumeToken!;
        var beacon = await _app.CreateClient().PostAsync("/api/visitor/leave", new StringContent(token, Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.NoContent, beacon.StatusCode);
        var again = await _app.VisitorAsync();
        await using var _ = again;
        var resumed = await again.Hub.InvokeAsync<System.Text.Json.JsonElement>("Resume", token, 0);
        Assert.Equal("ended", resumed.GetProperty("status").GetString());
    }
}

/// <summary>The antiforgery cookie is Secure on HTTPS, also behind the trusted proxy (X-Forwarded-Proto).</summary>
public sealed class AntiforgeryCookieTests
{
    [Fact]
    public async Task TheAntiforgeryCookieIsSecureOnHttpsAlsoBehindTheTrustedProxy()
    {
        var f = new AttackFixture();
        await f.InitializeAsync();
        try
        {
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(f.BaseUrl) };
            async Task<string> CookieAsync(string? proto)
            {
                using var req = new HttpRequestMessage(HttpMethod.Get, "/console/login");
                req.Headers.Add("X-Forwarded-For", "198.51.100.1");
                if (proto is not null) req.Headers.Add("X-Forwarded-Proto", proto);
                var r = await http.SendAsync(req);
                return r.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
            }
            var https = await CookieAsync("https");
            var plain = await CookieAsync(null);
            static string Secure(string cookie) => cookie.Split(';').Any(p => p.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase)) ? "Secure" : "not secure";
            AttackTable.Row("antiforgery cookie on HTTPS (behind the TLS proxy, X-Forwarded-Proto: https)", "Secure; plain HTTP not",
                $"https: {Secure(https)}; http: {Secure(plain)}");
            Assert.Equal(("Secure", "not secure"), (Secure(https), Secure(plain)));
        }
        finally
        {
            await f.DisposeAsync();
        }
    }
}
