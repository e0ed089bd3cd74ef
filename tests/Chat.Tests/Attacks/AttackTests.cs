using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Attacks;

/// <summary>
/// The attack suite (issue 8): each test tries one attack against a running server with the production limits, as
/// a script would, and writes a row to the attack table. Addresses are RFC 5737 documentation addresses given through
/// the trusted proxy; each test uses addresses of its own so the tests do not share buckets.
/// </summary>
public sealed class AttackTests : IAsyncLifetime
{
    // A server of its own for every attack: one attack's leftovers (queued chats, open connections) never meet another's.
    private readonly AttackFixture f = new();
    public Task InitializeAsync() => f.InitializeAsync();

    public async Task DisposeAsync()
    {
        // Whatever the attack, the whole log of its server holds no address and no visitor text.
        AssertNothingPrivateLogged();
        await f.DisposeAsync();
    }

    // Words a visitor might type that must never reach a log line.
    private const string Private = "Jane 0612345678 Kerkstr 5";

    private static async Task<(int Ok, int Refused)> CountAsync(IEnumerable<Task<bool>> attempts)
    {
        var results = await Task.WhenAll(attempts);
        return (results.Count(r => r), results.Count(r => !r));
    }

    private void AssertNothingPrivateLogged(params string[] more)
    {
        var logs = f.AllLogs;
        foreach (var s in more.Append(Private).Append("203.0.113.").Append("198.51.100.").Append("192.0.2."))
            Assert.DoesNotContain(s, logs);
    }

    [Fact]
    public async Task QueueFloodFromOneAddressQueuesThreeAndLeavesOthersTheirPlace()
    {
        await using var expert = await f.ExpertAsync(2, availability: "paused"); // on shift (open), takes no chats
        await using var earlier = await f.VisitorAsync("198.51.100.10");
        var mine = await earlier.StartAsync();
        Assert.Equal("queued", mine.Status);
        var before = mine.Position!.Value;

        // The script: 20 connections (the most one address may hold), StartChat on every one at once, 5 times over.
        var flood = new List<Visitor>();
        for (var i = 0; i < 20; i++) flood.Add(await f.VisitorAsync("203.0.113.10"));
        var answers = await Task.WhenAll(flood.Select(v => v.StartAsync()));
        var statuses = answers.GroupBy(a => a.Status + (a.Reason is null ? "" : ":" + a.Reason)).ToDictionary(g => g.Key, g => g.Count());

        await using var later = await f.VisitorAsync("198.51.100.11");
        var next = await later.StartAsync();
        var status = await f.App.CreateClient().GetFromJsonAsync<JsonElement>("/api/status");
        AttackTable.Row("queue flood: 20 StartChat at once from one address",
            "3 queued, 17 refused (limit); a visitor waiting before keeps place; one after is at most 3 places further",
            $"{string.Join(", ", statuses.Select(kv => $"{kv.Value} {kv.Key}"))}; earlier visitor {before} -> " +
            $"{(await earlier.Hub.InvokeAsync<ResumeResult>("Resume", mine.ResumeToken, 0L)).Position}; later visitor at {next.Position}; " +
            $"/api/status waiting {status.GetProperty("waiting").GetInt32()}");

        Assert.Equal(3, answers.Count(a => a.Status == "queued"));
        Assert.All(answers.Where(a => a.Status != "queued"), a => Assert.Equal(("refused", "limit"), (a.Status, a.Reason)));
        Assert.All(answers.Where(a => a.Status == "refused"), a => Assert.Null(a.ResumeToken));
        Assert.Equal(before, (await earlier.Hub.InvokeAsync<ResumeResult>("Resume", mine.ResumeToken, 0L)).Position);
        Assert.Equal("queued", next.Status);
        Assert.True(next.Position <= before + 4, $"position {next.Position}");
        // Queued visitors never saw their position grow.
        Assert.All(earlier.Inbox.Drain("QueueUpdated"), q => Assert.True(q.GetProperty("position").GetInt32() <= before));

        foreach (var v in flood) await v.DisposeAsync();
        AssertNothingPrivateLogged();
    }

    [Fact]
    public async Task ChatsPerHourFromOneAddressAreCapped()
    {
        await using var expert = await f.ExpertAsync(2, availability: "paused");
        var results = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            await using var v = await f.VisitorAsync("203.0.113.20");
            var r = await v.StartAsync();
            results.Add(r.Status + (r.Reason is null ? "" : ":" + r.Reason));
            if (r.Status == "queued") await v.Hub.InvokeAsync("LeaveChat"); // never more than one open at a time
        }
        AttackTable.Row("start, leave, start again: 12 chats in a minute from one address",
            "10 queued, then refused (limit)", string.Join(" ", results.GroupBy(x => x).Select(g => $"{g.Count()}x {g.Key}")));
        Assert.Equal(10, results.Count(r => r == "queued"));
        Assert.Equal(["refused:limit", "refused:limit"], results.Skip(10));
    }

    [Fact]
    public async Task ConnectionFloodFromOneAddressIsCappedAndOthersStillConnect()
    {
        var open = new List<ClientWebSocket>();
        var refused = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            var ws = new ClientWebSocket();
            ws.Options.SetRequestHeader("X-Forwarded-For", "203.0.113.30");
            ws.Options.CollectHttpResponseDetails = true;
            try
            {
                await ws.ConnectAsync(new Uri(f.BaseUrl.Replace("http://", "ws://") + "/hubs/visitor"), default);
                open.Add(ws);
            }
            catch (WebSocketException)
            {
                refused.Add(ws.HttpStatusCode);
                ws.Dispose();
            }
        }
        await using var other = await f.VisitorAsync("198.51.100.30");
        foreach (var ws in open) { ws.Abort(); ws.Dispose(); }
        // The slots come back when the connections close (the server sees the close a moment later: retry briefly).
        var again = false;
        for (var i = 0; i < 50 && !again; i++)
        {
            try { await using var v = await f.VisitorAsync("203.0.113.30"); again = true; }
            catch (Exception) { await Task.Yield(); }
        }
        AttackTable.Row("connection flood: 30 visitor WebSockets from one address",
            "20 open, 10 refused with 429; another address connects; slots return when closed",
            $"{open.Count} open, {refused.Count} refused ({string.Join(",", refused.Distinct())}); other address: {other.Hub.State}; again after close: {again}");
        Assert.Equal(20, open.Count);
        Assert.All(refused, s => Assert.Equal(HttpStatusCode.TooManyRequests, s));
        Assert.Equal(Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected, other.Hub.State);
        Assert.True(again);
    }

    [Fact]
    public async Task MessageFloodOverSeveralConnectionsOfOneChatSharesOneBudget()
    {
        await using var expert = await f.ExpertAsync(1);
        // A visitor elsewhere chats at the same time; their messages must all go through.
        await using var bystander = await f.VisitorAsync("198.51.100.40");
        var b = await bystander.StartAsync();
        var bystanderConversation = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;

        await using var attacker = await f.VisitorAsync("203.0.113.40");
        var a = await attacker.StartAsync();
        var extra = new List<Visitor>();
        for (var i = 0; i < 5; i++)
        {
            var v = await f.VisitorAsync("203.0.113.40");
            await v.Hub.InvokeAsync<ResumeResult>("Resume", a.ResumeToken, 0L);
            extra.Add(v);
        }
        var all = extra.Prepend(attacker).ToList();
        var text = new string('x', 1500);
        var stored = 0;
        var refused = 0;
        var bystanderMs = new List<double>();
        // The limit counts per clock minute (as the stores do): a flood that runs over into the next minute gets that
        // minute's budget too (a loaded machine can take that long).
        var firstMinute = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;
        var flood = Task.WhenAll(all.Select(async (v, c) =>
        {
            for (var i = 0; i < 40; i++)
            {
                try { await v.SendAsync($"c{c}-{i}", text); Interlocked.Increment(ref stored); }
                catch (HubException) { Interlocked.Increment(ref refused); }
            }
        }));
        for (var i = 0; i < 10; i++)
        {
            var sw = Stopwatch.StartNew();
            await bystander.SendAsync("b" + i, "gewoon een bericht");
            bystanderMs.Add(sw.Elapsed.TotalMilliseconds);
        }
        await flood;
        var budget = 30 * (int)(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 - firstMinute + 1);
        await using var reader = await f.VisitorAsync("198.51.100.41"); // the flooding connections spent their call budget
        var log = await reader.Hub.InvokeAsync<ResumeResult>("Resume", a.ResumeToken, 0L);
        AttackTable.Row("message flood: 6 connections of one chat, 240 messages of 1500 characters",
            "at most 30 stored in the minute (Chat:VisitorMessagesPerMinute), rest refused (try again); other chat unaffected",
            $"{stored} stored, {refused} refused, log holds {log.Messages.Count}; other visitor: 10/10 sent, median {bystanderMs.Order().ElementAt(5):F1} ms");
        Assert.True(stored <= budget, $"{stored} stored, budget {budget}");
        Assert.Equal(240, stored + refused);
        Assert.True(log.Messages.Count <= budget);
        Assert.Equal(bystanderConversation, (await expert.Inbox.Until("MessageReceived", m => m.GetProperty("clientMessageId").GetString() == "b9"))
            .GetProperty("conversationId").GetString());
        foreach (var v in extra) await v.DisposeAsync();
        _ = b;
    }

    [Fact]
    public async Task ChatHoldsAtMostItsMessageCap()
    {
        await using var app = new ChatApp(new() { ["Chat:MaxMessagesPerChat"] = "25" });
        await using var expert = await app.ExpertAsync(1);
        await using var visitor = await app.VisitorAsync();
        await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        for (var i = 0; i < 20; i++) await visitor.SendAsync("v" + i, "bericht " + i);
        for (var i = 0; i < 5; i++) await expert.SendAsync(conversationId, "e" + i, "antwoord " + i);
        var visitorRefused = await Assert.ThrowsAsync<HubException>(() => visitor.SendAsync("v-over", "nog een"));
        var expertRefused = await Assert.ThrowsAsync<HubException>(() => expert.SendAsync(conversationId, "e-over", "nog een"));
        var again = await visitor.SendAsync("v3", "bericht 3"); // a resend of a stored message is still acknowledged
        AttackTable.Row("a chat past Chat:MaxMessagesPerChat (25 here)", "26th refused for both sides; resend of a stored one acknowledged",
            $"visitor: {visitorRefused.Message.Split(':').Last().Trim()[..40]}...; expert refused too; resend seq {again.Seq}");
        Assert.Contains("maximale aantal berichten", visitorRefused.Message);
        Assert.Contains("maximale aantal berichten", expertRefused.Message);
        Assert.Equal(4, again.Seq);
    }

    [Fact]
    public async Task ClosedTimeRequestFloodCountsOnce()
    {
        await using var app = new ChatApp(AttackFixture.DefaultLimits()); // nobody on shift: closed (every caller here: one address)
        var coordinator = await app.CoordinatorClientAsync();
        async Task<int> WhileClosedAsync() => (await coordinator.GetFromJsonAsync<JsonElement>(
                $"/api/statistics?from={DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}&to={DateTime.UtcNow.AddDays(1):yyyy-MM-dd}"))
            .GetProperty("chat").GetProperty("requestsWhileClosed").GetInt32();
        var visitors = new List<Visitor>();
        for (var i = 0; i < 5; i++) visitors.Add(await app.VisitorAsync());
        var answers = new List<string>();
        foreach (var v in visitors)
            for (var i = 0; i < 10; i++) answers.Add((await v.StartAsync()).Status);
        var afterFive = await WhileClosedAsync();
        for (var i = 0; i < 15; i++) visitors.Add(await app.VisitorAsync());
        foreach (var v in visitors.Skip(5)) answers.Add((await v.StartAsync()).Status);
        var afterTwenty = await WhileClosedAsync();
        AttackTable.Row("closed-time flood: 50 StartChat on 5 connections, then 15 more connections, from one address, while closed",
            "all answered closed; counted once per visitor session (connection), at most 10 an hour per address",
            $"{answers.Count(a => a == "closed")} closed; requestsWhileClosed {afterFive} after 5 sessions, {afterTwenty} after 20");
        Assert.All(answers, a => Assert.Equal("closed", a));
        Assert.Equal(5, afterFive);
        Assert.Equal(10, afterTwenty);
        foreach (var v in visitors) await v.DisposeAsync();
    }

    [Fact]
    public async Task LoginBruteForceBehindTheProxyLimitsOnlyThatAddress()
    {
        async Task<HttpStatusCode> LoginAsync(string address, string user, string password)
        {
            using var http = new HttpClient { BaseAddress = new Uri(f.BaseUrl) };
            using var req = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { userName = user, password }) };
            req.Headers.Add("X-Forwarded-For", address);
            return (await http.SendAsync(req)).StatusCode;
        }
        var tries = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++) tries.Add(await LoginAsync("203.0.113.60", "raden" + i, "Fout-wachtwoord-" + i));
        var other = await LoginAsync("198.51.100.60", "expert2", "Demo-Expert-2");
        AttackTable.Row("login brute force: 12 wrong sign-ins from one address behind the proxy",
            "10 tried (401), then 429; the right password from another address signs in",
            $"{string.Join(",", tries.Select(t => (int)t))}; other address: {(int)other}");
        Assert.Equal(10, tries.Count(t => t == HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.TooManyRequests, tries[^1]);
        Assert.Equal(HttpStatusCode.OK, other);
    }

    [Fact]
    public async Task CrossSiteHubHandshakeIsRefused()
    {
        var cookie = await f.App.CookieAsync("expert1", "Demo-Expert-1");
        async Task<string> TryAsync(string path, string? origin)
        {
            using var ws = new ClientWebSocket();
            ws.Options.CollectHttpResponseDetails = true;
            if (origin is not null) ws.Options.SetRequestHeader("Origin", origin);
            ws.Options.SetRequestHeader("Cookie", cookie);
            ws.Options.SetRequestHeader("X-Forwarded-For", "203.0.113.70");
            try
            {
                await ws.ConnectAsync(new Uri(f.BaseUrl.Replace("http://", "ws://") + path), default);
                ws.Abort();
                return "open";
            }
            catch (WebSocketException)
            {
                return ((int)ws.HttpStatusCode).ToString();
            }
        }
        var evilVisitor = await TryAsync("/hubs/visitor", "https://evil.example");
        var evilExpert = await TryAsync("/hubs/expert", "https://evil.example");
        var own = await TryAsync("/hubs/expert", f.BaseUrl);
        var project = await TryAsync("/hubs/visitor", AttackFixture.ProjectSite);
        var none = await TryAsync("/hubs/visitor", null);
        AttackTable.Row("cross-site hub handshake (Origin https://evil.example), with an expert's cookie",
            "403 on both hubs; own origin, Security:AllowedOrigins and no Origin open",
            $"visitor {evilVisitor}, expert {evilExpert}; own {own}, allowed {project}, none {none}");
        Assert.Equal(("403", "403"), (evilVisitor, evilExpert));
        Assert.Equal(("open", "open", "open"), (own, project, none));
    }

    [Fact]
    public async Task FramingByAForeignSiteIsNotAllowed()
    {
        var http = f.App.CreateClient();
        var widget = await http.GetAsync("/widget/");
        var console = await http.GetAsync("/console/login");
        var csp = widget.Headers.GetValues("Content-Security-Policy").Single();
        var ancestors = csp.Split(';').Select(p => p.Trim()).Single(p => p.StartsWith("frame-ancestors"));
        var production = Assert.ThrowsAny<Exception>(() => new ProductionWithoutEmbedders().CreateClient());
        AttackTable.Row("framing by a foreign site", "widget: frame-ancestors only the project's origins; console: SAMEORIGIN; Production refuses to start without Widget:AllowedEmbedOrigins",
            $"widget: {ancestors}; console: {string.Join(",", console.Headers.GetValues("X-Frame-Options"))}; production: {(production.ToString().Contains("AllowedEmbedOrigins") ? "refused" : "started")}");
        Assert.Equal($"frame-ancestors {AttackFixture.ProjectSite}", ancestors);
        Assert.Equal("SAMEORIGIN", console.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("AllowedEmbedOrigins", production.ToString());
    }

    private sealed class ProductionWithoutEmbedders() : ChatApp(new()
    {
        ["Accounts:InitialCoordinator:UserName"] = "leiding", ["Accounts:InitialCoordinator:Password"] = "Sterk-Wachtwoord-2026",
    })
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }

    [Fact]
    public async Task GuessedConversationIdsAndResumeTokensGetNothing()
    {
        await using var e1 = await f.ExpertAsync(1);
        await using var victim = await f.VisitorAsync("198.51.100.80");
        var start = await victim.StartAsync();
        var conversationId = (await e1.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await victim.SendAsync("v1", "iets persoonlijks");

        await using var guesser = await f.VisitorAsync("203.0.113.80");
        var resumes = new List<string>();
        foreach (var token in new[] { "x", new string('A', 43), start.SessionId!, conversationId, start.ResumeToken![..^1] + "B" })
        {
            var r = await guesser.Hub.InvokeAsync<ResumeResult>("Resume", token, 0L);
            resumes.Add($"{r.Status}/{r.Messages.Count}");
        }
        await using var e2 = await f.ExpertAsync(2);
        var refusals = 0;
        foreach (var call in new Func<Task>[]
        {
            () => e2.SendAsync(conversationId, "x", "overgenomen?"),
            () => e2.Hub.InvokeAsync("EndChat", conversationId),
            () => e2.Hub.InvokeAsync("TransferChat", conversationId),
            () => e2.Hub.InvokeAsync<BlockResult>("BlockVisitor", conversationId, "prank"),
            () => e2.SendAsync(Guid.NewGuid().ToString("n")[..16], "x", "gok"),
        })
        {
            try { await call(); } catch (HubException) { refusals++; }
        }
        var still = await victim.Hub.InvokeAsync<ResumeResult>("Resume", start.ResumeToken, 0L);
        AttackTable.Row("guessed resume tokens (5) and another expert's conversation id (send, end, transfer, block)",
            "every resume 'ended' with no messages; every call refused; the chat unchanged",
            $"resumes {string.Join(" ", resumes)}; {refusals}/5 refused; chat {still.Status} with {still.Messages.Count} message(s)");
        Assert.All(resumes, r => Assert.Equal("ended/0", r));
        Assert.Equal(5, refusals);
        Assert.Equal(("active", 1), (still.Status, still.Messages.Count));
    }

    [Fact]
    public async Task OversizedMalformedAndInvalidCallsAreRefusedWithBoundedLogs()
    {
        var before = f.App.Logs.Lines.Sum(l => l.Length);
        var beforeLines = f.App.Logs.Lines.Count;
        var closed = 0;
        for (var i = 0; i < 10; i++)
        {
            using var ws = await AttackFixture.SocketAsync(f.BaseUrl, "/hubs/visitor", "203.0.113.90");
            await ws.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, default);
            var buffer = new byte[4096];
            await ws.ReceiveAsync(buffer, default); // handshake answer
            var payload = i % 2 == 0
                ? "{\"type\":1,\"target\":\"SendMessage\",\"arguments\":[\"a\",\"" + new string('x', 100_000) + "\"]}\u001e" // over 64 KB
                : "{\"type\":1,\"target\":\"StartChat\",\"arguments\":[{\"about\":\"" + Private + "\"}\u001e"; // malformed JSON
            await ws.SendAsync(Encoding.UTF8.GetBytes(payload), WebSocketMessageType.Text, true, default);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                while (ws.State == WebSocketState.Open && (await ws.ReceiveAsync(buffer, cts.Token)).MessageType != WebSocketMessageType.Close) { }
                closed++;
            }
            catch (WebSocketException) { closed++; }
        }
        // 300 refused calls on one connection, with private words in the refused input.
        await using var v = await f.VisitorAsync("203.0.113.91");
        var refused = 0;
        for (var i = 0; i < 300; i++)
        {
            try { await v.StartAsync(new { about = Private }); } catch (HubException) { refused++; }
        }
        var added = f.App.Logs.Lines.Skip(beforeLines).ToList();
        var bytes = f.App.Logs.Lines.Sum(l => l.Length) - before;
        await using var fine = await f.VisitorAsync("198.51.100.90");
        var stillServes = (await fine.Hub.InvokeAsync<ResumeResult>("Resume", "none", 0L)).Status;
        AttackTable.Row("10 oversized (100 KB) and malformed frames, then 300 invalid StartChat with private words on one connection",
            "connections closed; calls refused; log grows by a few lines without input or stack traces; server still serves",
            $"{closed}/10 closed; {refused}/300 refused; log +{added.Count} lines, +{bytes} bytes; stack traces: {added.Count(l => l.Contains("   at "))}; serves: {stillServes}");
        Assert.Equal(10, closed);
        Assert.Equal(300, refused);
        Assert.True(bytes < 8_000, $"{bytes} bytes of log:\n{string.Join("\n", added)}");
        Assert.DoesNotContain(added, l => l.Contains("   at "));
        Assert.Equal("ended", stillServes);
        AssertNothingPrivateLogged();
    }

    [Fact]
    public async Task BlockedVisitorCannotStartAgainAndTheCoordinatorCanLiftIt()
    {
        await using var expert = await f.ExpertAsync(1);
        await using var abuser = await f.VisitorAsync("203.0.113.100");
        await abuser.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await using var abusersSecond = await f.VisitorAsync("203.0.113.100"); // waiting behind the first (one chat at a time)
        Assert.Equal("queued", (await abusersSecond.StartAsync()).Status);
        await abuser.SendAsync("v1", "dreigende taal");
        var block = await expert.Hub.InvokeAsync<BlockResult>("BlockVisitor", conversationId, "threatening");
        var ended = await expert.Inbox.Until("ChatEnded", e => e.GetProperty("conversationId").GetString() == conversationId);
        await abuser.Inbox.Next("ChatEnded");
        var secondEnded = await abusersSecond.Inbox.Next("ChatEnded"); // the address's waiting request leaves the queue too

        await using var again = await f.VisitorAsync("203.0.113.100");
        var refused = await again.StartAsync();
        await using var neighbour = await f.VisitorAsync("198.51.100.100");
        var other = await neighbour.StartAsync();

        var coordinator = await f.CoordinatorAsync();
        var listed = await coordinator.GetFromJsonAsync<JsonElement>("/api/blocks");
        var row = listed.EnumerateArray().Single(b => b.GetProperty("id").GetString() == block.BlockId);
        var lifted = await coordinator.DeleteJsonAsync($"/api/blocks/{block.BlockId}");
        var liftedAgain = await coordinator.DeleteJsonAsync($"/api/blocks/{block.BlockId}");
        await using var afterLift = await f.VisitorAsync("203.0.113.100");
        var allowed = await afterLift.StartAsync();
        using var asExpert = new HttpClient { BaseAddress = new Uri(f.BaseUrl) };
        asExpert.DefaultRequestHeaders.Add("Cookie", await f.App.CookieAsync("expert2", "Demo-Expert-2"));
        var expertList = await asExpert.GetAsync("/api/blocks");

        AttackTable.Row("abusive visitor blocked by the expert, then starts again from the same address",
            "chat ends without a form; refused (blocked); other addresses unaffected; coordinator sees and lifts it; experts cannot list",
            $"form {(ended.TryGetProperty("form", out var form) ? form.ValueKind.ToString() : "absent")}, blocked {ended.GetProperty("blocked")}; again: {refused.Status}:{refused.Reason}; " +
            $"other: {other.Status}; listed {row.GetProperty("reason")} by {row.GetProperty("blockedBy")}; lift {(int)lifted.StatusCode}, again {(int)liftedAgain.StatusCode}; after: {allowed.Status}; expert GET {(int)expertList.StatusCode}");
        Assert.Equal(JsonValueKind.Null, form.ValueKind);
        Assert.Equal("system", secondEnded.GetProperty("endedBy").GetString());
        Assert.True(ended.GetProperty("blocked").GetBoolean());
        Assert.Equal(("refused", "blocked"), (refused.Status, refused.Reason));
        Assert.NotEqual("refused", other.Status);
        Assert.Equal("threatening", row.GetProperty("reason").GetString());
        Assert.Equal("Sanne", row.GetProperty("blockedBy").GetString());
        Assert.False(row.TryGetProperty("addressHash", out _));
        Assert.Equal(HttpStatusCode.NoContent, lifted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, liftedAgain.StatusCode);
        Assert.NotEqual("refused", allowed.Status);
        Assert.Equal(HttpStatusCode.Forbidden, expertList.StatusCode);
        Assert.DoesNotContain(listed.GetRawText(), f.AllLogs.Length > 0 ? "203.0.113" : "x");
        AssertNothingPrivateLogged("dreigende taal");
    }

    [Fact]
    public async Task BlockWithAnUnknownReasonIsRefusedAndChangesNothing()
    {
        await using var expert = await f.ExpertAsync(1);
        await using var v = await f.VisitorAsync("203.0.113.110");
        await v.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        var ex = await Assert.ThrowsAsync<HubException>(() => expert.Hub.InvokeAsync<BlockResult>("BlockVisitor", conversationId, "<script>"));
        var still = (await expert.SendAsync(conversationId, "e1", "ben je er nog?")).Seq;
        AttackTable.Row("BlockVisitor with an unknown reason", "HubException naming the allowed reasons; the chat goes on", $"{ex.Message.Split("HubException: ").Last()}; next message seq {still}");
        Assert.Contains("abusive, threatening, prank, other", ex.Message);
        Assert.DoesNotContain("<script>", ex.Message);
        await v.Hub.InvokeAsync("LeaveChat");
    }
}
