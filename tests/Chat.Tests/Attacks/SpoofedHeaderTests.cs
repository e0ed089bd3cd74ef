using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Attacks;

/// <summary>
/// Issue 19's first finding: with <c>Network:TrustedProxies</c> empty (the default) a client's own X-Forwarded-For and
/// X-Forwarded-Proto must change nothing. Every client here comes from 127.0.0.1, which is NOT a trusted proxy, and
/// writes a new X-Forwarded-For on every request or connection: every limit, block, count and gate must still see one
/// address. <see cref="Trusted"/> is the control that proves the header would be read from a trusted proxy.
/// </summary>
public sealed class SpoofedHeaderTests : IAsyncLifetime
{
    /// <summary>The production limits with no trusted proxy; /metrics open to 10.0.0.0/8 only (so not to loopback).</summary>
    public static Dictionary<string, string?> Untrusted()
    {
        var s = AttackFixture.DefaultLimits();
        s.Remove("Network:TrustedProxies:0");
        s["Metrics:AllowedNetworks:0"] = "10.0.0.0/8";
        return s;
    }

    private sealed class Fixture(Dictionary<string, string?> settings) : AttackFixture(settings);

    private readonly Fixture f = new(Untrusted());
    public Task InitializeAsync() => f.InitializeAsync();
    public Task DisposeAsync() => f.DisposeAsync();

    private static int _n;
    /// <summary>A different spoofed address every time (documentation range, RFC 5737).</summary>
    public static string Spoof() => $"203.0.113.{Interlocked.Increment(ref _n) % 250 + 1}";

    public static async Task<HttpStatusCode> LoginAsync(string baseUrl, string forwardedFor, string user, string password)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        using var req = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { userName = user, password }) };
        req.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await http.SendAsync(req)).StatusCode;
    }

    public static async Task<HttpStatusCode> MetricsAsync(string baseUrl, string forwardedFor)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        using var req = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        req.Headers.Add("X-Forwarded-For", forwardedFor);
        return (await http.SendAsync(req)).StatusCode;
    }

    [Fact]
    public async Task SignInGuessingWithANewHeaderEachTimeIsStillLimited()
    {
        var tries = new List<HttpStatusCode>();
        for (var i = 0; i < 14; i++) tries.Add(await LoginAsync(f.BaseUrl, Spoof(), "raden" + i, "Fout-wachtwoord-" + i));
        AttackTable.Row("no trusted proxy: 14 wrong sign-ins, a new X-Forwarded-For on each",
            "the header is ignored: 10 tried (401), then 429", string.Join(",", tries.Select(t => (int)t)));
        Assert.Equal(10, tries.Count(t => t == HttpStatusCode.Unauthorized));
        Assert.All(tries.Skip(10), t => Assert.Equal(HttpStatusCode.TooManyRequests, t));
    }

    [Fact]
    public async Task ConnectionsWithANewHeaderEachAreStillCapped()
    {
        var open = new List<ClientWebSocket>();
        var refused = 0;
        for (var i = 0; i < 26; i++)
        {
            try { open.Add(await AttackFixture.SocketAsync(f.BaseUrl, "/hubs/visitor", Spoof())); }
            catch (WebSocketException) { refused++; }
        }
        AttackTable.Row("no trusted proxy: 26 visitor WebSockets, a new X-Forwarded-For on each",
            "the header is ignored: 20 open, 6 refused", $"{open.Count} open, {refused} refused");
        foreach (var ws in open) { ws.Abort(); ws.Dispose(); }
        Assert.Equal(20, open.Count);
        Assert.Equal(6, refused);
    }

    [Fact]
    public async Task ChatsQueuedWithANewHeaderEachAreStillLimitedAndABlockHolds()
    {
        await using var expert = await f.ExpertAsync(2, availability: "paused"); // open, takes nothing: everyone waits
        var visitors = new List<Visitor>();
        var answers = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var v = await f.VisitorAsync(Spoof());
            visitors.Add(v);
            var r = await v.StartAsync();
            answers.Add(r.Status + (r.Reason is null ? "" : ":" + r.Reason));
        }
        // A block made on one of them holds for the next, whatever header it writes.
        await expert.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await expert.Hub.InvokeAsync<BlockResult>("BlockVisitor", conversationId, "prank");
        await using var again = await f.VisitorAsync(Spoof());
        var afterBlock = await again.StartAsync();
        AttackTable.Row("no trusted proxy: 8 StartChat, a new X-Forwarded-For on each connection; then blocked, back with another header",
            "the header is ignored: 3 queued, 5 refused (limit); after the block refused (blocked)",
            $"{string.Join(", ", answers.GroupBy(a => a).Select(g => $"{g.Count()} {g.Key}"))}; after the block: {afterBlock.Status}:{afterBlock.Reason}");
        Assert.Equal(3, answers.Count(a => a == "queued"));
        Assert.All(answers.Skip(3), a => Assert.Equal("refused:limit", a));
        Assert.Equal(("refused", "blocked"), (afterBlock.Status, afterBlock.Reason));
        foreach (var v in visitors) await v.DisposeAsync();
    }

    [Fact]
    public async Task RequestsWhileClosedWithANewHeaderEachCountAsOneAddress()
    {
        // Nobody on shift: closed. 20 visitor sessions, each with its own header.
        var answers = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            await using var v = await f.VisitorAsync(Spoof());
            answers.Add((await v.StartAsync()).Status);
        }
        var coordinator = await f.CoordinatorAsync();
        var counted = (await coordinator.GetFromJsonAsync<JsonElement>(
                $"/api/statistics?from={DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}&to={DateTime.UtcNow.AddDays(1):yyyy-MM-dd}"))
            .GetProperty("chat").GetProperty("requestsWhileClosed").GetInt32();
        AttackTable.Row("no trusted proxy: 20 StartChat while closed, a new X-Forwarded-For on each",
            "all closed; counted as one address: at most 10 (Abuse:ChatsPerAddressPerHour)", $"{answers.Count(a => a == "closed")} closed; counted {counted}");
        Assert.All(answers, a => Assert.Equal("closed", a));
        Assert.Equal(10, counted);
    }

    [Fact]
    public async Task MetricsGateAndSecureCookieIgnoreTheHeaders()
    {
        var metrics = await MetricsAsync(f.BaseUrl, "10.1.2.3");
        // X-Forwarded-Proto: https from a client that is not a proxy must not make the server think the request was HTTPS.
        using var http = new HttpClient { BaseAddress = new Uri(f.BaseUrl) };
        using var req = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
            { Content = JsonContent.Create(new { userName = "expert1", password = "Demo-Expert-1" }) };
        req.Headers.Add("X-Forwarded-Proto", "https");
        var login = await http.SendAsync(req);
        var cookie = login.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("chat.console="));

        // The control: the same requests from a trusted proxy are believed (so this test can fail).
        var trustedSettings = Untrusted();
        trustedSettings["Network:TrustedProxies:0"] = "127.0.0.1";
        await using var trusted = new Fixture(trustedSettings);
        await trusted.InitializeAsync();
        var trustedMetrics = await MetricsAsync(trusted.BaseUrl, "10.1.2.3");

        AttackTable.Row("no trusted proxy: GET /metrics with X-Forwarded-For 10.1.2.3 (an allowed network); sign-in with X-Forwarded-Proto https over HTTP",
            "404 (the socket's address counts); cookie not Secure. Control, from a trusted proxy: 200",
            $"{(int)metrics}; cookie {(cookie.Contains("secure", StringComparison.OrdinalIgnoreCase) ? "Secure" : "not Secure")}; control {(int)trustedMetrics}");
        Assert.Equal(HttpStatusCode.NotFound, metrics);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, trustedMetrics);
    }
}

/// <summary>The same in Redis mode: two nodes on one redis-server, the spoofing client alternating between them.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisSpoofedHeaderTests(RedisServer redis) : TwoNodeAttack(redis)
{
    protected override Dictionary<string, string?> Settings() => SpoofedHeaderTests.Untrusted();

    [Fact]
    public async Task NoLimitBlockOrGateFollowsAClientsOwnHeaderOnEitherNode()
    {
        var nodes = new[] { _a, _b };
        await using var expert = await _a.ExpertAsync(2, availability: "paused");
        var visitors = new List<Visitor>();
        var answers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var v = await nodes[i % 2].VisitorAsync(SpoofedHeaderTests.Spoof());
            visitors.Add(v);
            var r = await v.StartAsync();
            answers.Add(r.Status + (r.Reason is null ? "" : ":" + r.Reason));
        }
        await expert.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await expert.Hub.InvokeAsync<BlockResult>("BlockVisitor", conversationId, "prank");
        await using var again = await _b.VisitorAsync(SpoofedHeaderTests.Spoof());
        var afterBlock = await again.StartAsync();
        var logins = new List<HttpStatusCode>();
        for (var i = 0; i < 22; i++) // the sign-in limit holds for both nodes together
            logins.Add(await SpoofedHeaderTests.LoginAsync(nodes[i % 2].BaseUrl, SpoofedHeaderTests.Spoof(), "raden" + i, "Fout-wachtwoord-" + i));
        var metrics = (await SpoofedHeaderTests.MetricsAsync(_a.BaseUrl, "10.1.2.3"), await SpoofedHeaderTests.MetricsAsync(_b.BaseUrl, "10.1.2.3"));

        AttackTable.Row("Redis mode, two nodes, no trusted proxy: 6 StartChat alternating nodes with a new X-Forwarded-For each; block, back with another header; 22 wrong sign-ins; /metrics",
            "3 queued, 3 refused (limit); refused (blocked); 22 wrong sign-ins alternating nodes: 10 answered, then 429 (10 a minute for all nodes together); /metrics 404 on both",
            $"{string.Join(", ", answers.GroupBy(a => a).Select(g => $"{g.Count()} {g.Key}"))}; after the block {afterBlock.Status}:{afterBlock.Reason}; " +
            $"sign-ins {string.Join(",", logins.Select(l => (int)l))}; /metrics {(int)metrics.Item1}/{(int)metrics.Item2}");
        Assert.Equal(3, answers.Count(a => a == "queued"));
        Assert.All(answers.Skip(3), a => Assert.Equal("refused:limit", a));
        Assert.Equal(("refused", "blocked"), (afterBlock.Status, afterBlock.Reason));
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), metrics);
        Assert.True(logins.Count(l => l != HttpStatusCode.TooManyRequests) <= 10, string.Join(",", logins));
        Assert.All(logins.Skip(10), l => Assert.Equal(HttpStatusCode.TooManyRequests, l));
        foreach (var v in visitors) await v.DisposeAsync();
    }
}
