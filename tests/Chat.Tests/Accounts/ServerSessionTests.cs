using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Chat.Server.Accounts;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Accounts;

/// <summary>
/// Sessions live on the server (embedded mode): the list of an account's sessions, ending one or all others, sign-out
/// closing the hub connections of that session only, and the store's own rules (last seen written at most every few
/// minutes, an ended session never brought back).
/// </summary>
public sealed class ServerSessionTests : IAsyncLifetime
{
    private const string FirefoxOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private const string SafariOnIPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    private readonly ChatApp _app = new();
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<HttpClient> SignInAsync(string userName, string password, string? userAgent = null)
    {
        var client = _app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        if (userAgent is not null) client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        (await client.PostAsJsonAsync("/api/auth/login", new { userName, password })).EnsureSuccessStatusCode();
        return client;
    }

    private static async Task<JsonElement[]> SessionsAsync(HttpClient client) =>
        [.. (await client.GetFromJsonAsync<JsonElement>("/api/auth/sessions")).EnumerateArray()];

    private static string Id(JsonElement s) => s.GetProperty("id").GetString()!;

    private static async Task<string> CurrentIdAsync(HttpClient client) =>
        Id((await SessionsAsync(client)).Single(s => s.GetProperty("current").GetBoolean()));

    [Fact]
    public async Task ASignInInABrowserThatHeldAnotherSessionGetsANewKeyAndTheOldCookieIsDead()
    {
        // Session fixation on a shared office computer: A signed in, copied the cookie and left the browser signed in;
        // B signs in in that browser. A's copy must not open B's session.
        var plain = _app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        static string CookieOf(HttpResponseMessage r) => string.Join("; ", r.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var a = await plain.PostAsJsonAsync("/api/auth/login", new { userName = "expert1", password = "Demo-Expert-1" });
        var copied = CookieOf(a);
        using var asB = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { userName = "expert2", password = "Demo-Expert-2" }) };
        asB.Headers.Add("Cookie", copied);
        var b = await plain.SendAsync(asB);
        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        var bCookie = CookieOf(b);
        Assert.NotEqual(copied, bCookie);

        async Task<HttpStatusCode> MeAsync(string cookie)
        {
            using var me = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
            me.Headers.Add("Cookie", cookie);
            return (await plain.SendAsync(me)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(copied)); // A's session ended with the new sign-in in its browser
        using var meB = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        meB.Headers.Add("Cookie", bCookie);
        var who = await (await plain.SendAsync(meB)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("expert2", who.GetProperty("userName").GetString());
    }

    [Fact]
    public async Task TheListShowsEachSignInWithBrowserAndSystemAndTimesToTheHour()
    {
        var laptop = await SignInAsync("expert1", "Demo-Expert-1", FirefoxOnWindows);
        var phone = await SignInAsync("expert1", "Demo-Expert-1", SafariOnIPhone);
        await SignInAsync("expert2", "Demo-Expert-2", FirefoxOnWindows); // another account's session is not listed

        var sessions = await SessionsAsync(laptop);
        Assert.Equal(2, sessions.Length);
        var current = Assert.Single(sessions, s => s.GetProperty("current").GetBoolean());
        Assert.Equal("Firefox op Windows", current.GetProperty("client").GetString());
        Assert.Equal("Safari op iOS", sessions.Single(s => !s.GetProperty("current").GetBoolean()).GetProperty("client").GetString());
        foreach (var s in sessions)
        {
            foreach (var field in new[] { "createdAt", "lastSeenAt" })
            {
                var t = s.GetProperty(field).GetDateTimeOffset();
                Assert.Equal((0, 0, 0), (t.Minute, t.Second, t.Millisecond));
                Assert.InRange(DateTimeOffset.UtcNow - t, TimeSpan.Zero, TimeSpan.FromHours(1));
            }
            Assert.Equal(["client", "createdAt", "current", "id", "lastSeenAt"], s.EnumerateObject().Select(p => p.Name).Order().ToArray());
        }
        Assert.NotEqual(Id(sessions[0]), Id(sessions[1]));
        Assert.Equal(Id(current), await CurrentIdAsync(laptop));
        Assert.NotEqual(Id(current), await CurrentIdAsync(phone));

        // What the server keeps: the two words, never the user agent.
        var kept = JsonSerializer.Serialize(_app.Services.GetRequiredService<InMemorySessionStore>().Export());
        Assert.DoesNotContain("Mozilla", kept);
        Assert.DoesNotContain("Gecko", kept);
    }

    [Fact]
    public async Task EndingOneSessionSignsOutThatBrowserOnlyAndOtherAccountsSessionsAreNotFound()
    {
        var here = await SignInAsync("expert1", "Demo-Expert-1");
        var there = await SignInAsync("expert1", "Demo-Expert-1");
        var stranger = await SignInAsync("expert2", "Demo-Expert-2");
        var thereId = await CurrentIdAsync(there);

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteJsonAsync($"/api/auth/sessions/{thereId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await there.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await here.DeleteJsonAsync("/api/auth/sessions/bestaat-niet")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await here.DeleteJsonAsync($"/api/auth/sessions/{thereId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await there.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await stranger.GetAsync("/api/auth/me")).StatusCode);
        Assert.Single(await SessionsAsync(here));
        Assert.Equal(HttpStatusCode.NotFound, (await here.DeleteJsonAsync($"/api/auth/sessions/{thereId}")).StatusCode);
    }

    [Fact]
    public async Task EndOthersKeepsOnlyThisSession()
    {
        var here = await SignInAsync("expert1", "Demo-Expert-1");
        var others = new[] { await SignInAsync("expert1", "Demo-Expert-1"), await SignInAsync("expert1", "Demo-Expert-1") };
        var colleague = await SignInAsync("expert2", "Demo-Expert-2");
        Assert.Equal(3, (await SessionsAsync(here)).Length);

        // A body-less form post (what another site could make a browser send) is refused.
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await here.PostAsync("/api/auth/sessions/end-others",
            new FormUrlEncodedContent(new Dictionary<string, string>()))).StatusCode);
        Assert.Equal(3, (await SessionsAsync(here)).Length);
        var r = await here.PostAsync("/api/auth/sessions/end-others", JsonContent.Create(new { }));
        Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        foreach (var other in others) Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await colleague.GetAsync("/api/auth/me")).StatusCode);
        Assert.True(Assert.Single(await SessionsAsync(here)).GetProperty("current").GetBoolean());
    }

    [Fact]
    public async Task SigningOutClosesTheHubConnectionsOfThatSessionOnly()
    {
        var cookie1 = await _app.CookieAsync("expert1", "Demo-Expert-1");
        var cookie2 = await _app.CookieAsync("expert1", "Demo-Expert-1");
        await using var hub1 = _app.Hub("/hubs/expert", cookie1);
        await using var hub2 = _app.Hub("/hubs/expert", cookie2);
        await hub1.StartAsync();
        await hub2.StartAsync();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub1.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        var copy = _app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        copy.DefaultRequestHeaders.Add("Cookie", cookie1);
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        browser.DefaultRequestHeaders.Add("Cookie", cookie1);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("/api/auth/logout", JsonContent.Create(new { }))).StatusCode);

        await closed.Task.WaitAsync(Inbox.Timeout);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/auth/me")).StatusCode);
        // The other session's connection goes on.
        Assert.Equal(HubConnectionState.Connected, hub2.State);
        await hub2.InvokeAsync<JsonElement>("GetState");
    }

    [Fact]
    public async Task TheConsolesUitloggenEndsTheSessionOnTheServer()
    {
        var console = await SignInAsync("expert1", "Demo-Expert-1");
        await _app.CookieAsync("expert1", "Demo-Expert-1"); // another browser
        var page = await console.GetStringAsync("/console");
        var token = System.Text.RegularExpressions.Regex.Match(page,
            "id=\"logout-form\"[\\s\\S]*?name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        var sessionsBefore = (await SessionsAsync(console)).Length;
        var post = await console.PostAsync("/console/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal(2, sessionsBefore);
        var other = await SignInAsync("expert1", "Demo-Expert-1");
        Assert.Equal(2, (await SessionsAsync(other)).Length); // the console's is gone: the other API sign-in and this one
    }

    [Fact]
    public async Task APasswordChangeEndsTheOtherSessionsOnTheServerAndKeepsThisOne()
    {
        var here = await SignInAsync("expert1", "Demo-Expert-1");
        var elsewhere = await SignInAsync("expert1", "Demo-Expert-1");
        var before = await CurrentIdAsync(here);
        (await here.PostAsJsonAsync("/api/auth/password", new { currentPassword = "Demo-Expert-1", newPassword = "Drie-losse-woorden-2026" })).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("/api/auth/me")).StatusCode);
        var left = Assert.Single(await SessionsAsync(here));
        Assert.Equal(before, Id(left)); // the same session, with the new stamp
        // Nothing of the other session is left on the server either (not only refused by its stamp).
        var userId = (await here.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();
        Assert.Single(_app.Services.GetRequiredService<InMemorySessionStore>().Export(), k => k.Session.UserId == userId);
    }

    [Fact]
    public async Task ACoordinatorsChangeDropsTheAccountsSessionsFromTheServer()
    {
        var boss = await SignInAsync("coordinator", "Demo-Coordinator-1");
        var expert = await SignInAsync("expert2", "Demo-Expert-2");
        var id = (await expert.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString()!;
        Assert.Single(_app.Services.GetRequiredService<InMemorySessionStore>().Export(), k => k.Session.UserId == id);
        (await boss.PutAsJsonAsync($"/api/accounts/{id}", new { disabled = true })).EnsureSuccessStatusCode();
        Assert.DoesNotContain(_app.Services.GetRequiredService<InMemorySessionStore>().Export(), k => k.Session.UserId == id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await expert.GetAsync("/api/auth/me")).StatusCode);
    }

    // ---- The store itself --------------------------------------------------------------------------------------------

    private sealed class NoFanout : IEventFanout
    {
        public List<HubEvent> Sent { get; } = [];
        public Task SendAsync(HubEvent e) { Sent.Add(e); return Task.CompletedTask; }
    }

    private static AuthenticationTicket Ticket(DateTimeOffset now, string userId = "u1", string stamp = "s1") =>
        new(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId), new Claim("AspNet.Identity.SecurityStamp", stamp)], "test")),
            new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now.AddHours(10) }, IdentityConstants.ApplicationScheme);

    [Fact]
    public async Task LastSeenIsWrittenAtMostOncePerFewMinutesAndAnEndedSessionIsNeverBroughtBack()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 3, 10, 10, 0, TimeSpan.Zero));
        var fanout = new NoFanout();
        var store = new InMemorySessionStore(clock, new ChatNotifier(fanout), Options.Create(new IdentityOptions()));
        var key = await store.StoreAsync(Ticket(clock.GetUtcNow()));
        DateTimeOffset LastSeen() => store.Export().Single().Session.LastSeenAt;
        var first = LastSeen();

        clock.Advance(TimeSpan.FromMinutes(2));
        await store.RenewAsync(key, Ticket(clock.GetUtcNow()));
        Assert.Equal(first, LastSeen()); // a request two minutes later writes nothing
        clock.Advance(TimeSpan.FromMinutes(4));
        await store.RenewAsync(key, Ticket(clock.GetUtcNow()));
        Assert.Equal(clock.GetUtcNow(), LastSeen());
        // A new stamp (a password changed in this session) is written at once.
        clock.Advance(TimeSpan.FromSeconds(10));
        await store.RenewAsync(key, Ticket(clock.GetUtcNow(), stamp: "s2"));
        Assert.Equal("s2", store.Export().Single().Session.Stamp);
        Assert.NotNull(await store.RetrieveAsync(key));
        Assert.Null(await store.RetrieveAsync(key + "x"));

        var handle = store.Export().Single().Session.Handle;
        await store.RemoveAsync(key);
        var signedOut = Assert.Single(fanout.Sent);
        Assert.Equal((Audience.ExpertSession, handle, nameof(IExpertClient.SignedOut)), (signedOut.Targets.Single().Audience, signedOut.Targets.Single().Id, signedOut.Method));
        clock.Advance(TimeSpan.FromMinutes(10));
        await store.RenewAsync(key, Ticket(clock.GetUtcNow(), stamp: "s2")); // a request that was under way when it ended
        Assert.Empty(store.Export());
        Assert.Null(await store.RetrieveAsync(key));
    }

    [Fact]
    public async Task AnExpiredSessionIsGone()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 3, 10, 10, 0, TimeSpan.Zero));
        var store = new InMemorySessionStore(clock, new ChatNotifier(new NoFanout()), Options.Create(new IdentityOptions()));
        var key = await store.StoreAsync(Ticket(clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromHours(10.1));
        Assert.Null(await store.RetrieveAsync(key));
        Assert.Empty(await store.ListAsync("u1", "s1"));
    }

    [Theory]
    [InlineData(FirefoxOnWindows, "Firefox op Windows")]
    [InlineData(SafariOnIPhone, "Safari op iOS")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge op Windows")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome op macOS")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome op Android")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox op Linux")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari op macOS")]
    [InlineData("curl/8.5.0", "Onbekende browser op onbekend systeem")]
    [InlineData(null, "Onbekende browser op onbekend systeem")]
    public void TheClientIsBrowserFamilyAndSystemOnly(string? userAgent, string expected) => Assert.Equal(expected, ClientName.Of(userAgent));
}
