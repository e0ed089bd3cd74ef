using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Tenancy;

/// <summary>
/// Isolation of two projects on one installation, generated over every /api endpoint and every expert hub method that
/// takes a conversation: as the coordinator and the expert of project "west", each read, change and event of project
/// "default" is refused or absent, in both modes. "default" holds one record of each kind (a contact form, a reply, a
/// referral card, a planned shift, a debrief request, a block, urgent words, a mailbox letter, a live chat), made through
/// the API by its own coordinator and experts; their ids and unique texts, and its experts' names, are the markers no
/// answer to "west" may contain. An endpoint that is neither exercised here nor on the allow-list fails the test.
/// </summary>
public abstract class IsolationTests : IAsyncLifetime
{
    protected readonly ManualClock Clock = new(DateTimeOffset.UtcNow);
    protected ChatApp App = null!;
    private const string Password = SecondProject.Password;

    protected abstract Dictionary<string, string?> Mode();

    public async Task InitializeAsync()
    {
        var settings = Mode();
        settings["Chat:CoolDown"] = "00:00:00";
        settings["Abuse:SignInsPerMinute"] = "100"; // every account signs in from the tests' one address, on a clock that stands still
        App = new ChatApp(settings) { Clock = Clock };
        _ = App.Server;
        // No partnership: no visitor of one project may ever reach the other (overflow is ProjectsTests' subject). Noor takes
        // two chats: with one of her own she is still free for a visitor of "default" if routing ever leaked.
        await SecondProject.CreateAsync(App, "west", new { slug = "west", name = "Chat West-Brabant", organisationName = "Samen Veilig West" },
            new("coordwest", "Ilse", Coordinator: true), new("expertwest", "Noor", MaxChats: 2));
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    // ---------------------------------------------------------------------------------------------------------------
    // Project "default"'s records, made through the API
    // ---------------------------------------------------------------------------------------------------------------

    private sealed class Seed : IAsyncDisposable
    {
        public required HttpClient Own { get; init; }        // default's coordinator
        public required HttpClient SanneHttp { get; init; }  // expert1
        public required Expert Sanne { get; init; }          // expert1's console, chatting with VisitorA
        public required Visitor VisitorA { get; init; }
        public required string ConversationId { get; init; }
        public required string SanneId { get; init; }
        public required long ReplyId { get; init; }
        public required long ReferralId { get; init; }
        public required long ShiftId { get; init; }
        public required long DebriefId { get; init; }
        public required string FormId { get; init; }
        public required string ThreadId { get; init; }
        public required string MailboxCode { get; init; }
        public required string BlockId { get; init; }
        public required string SessionHandle { get; init; }
        public required string Today { get; init; }
        public required string Week { get; init; }
        /// <summary>What no answer to "west" may contain: ids, unique texts, display names of "default".</summary>
        public required IReadOnlyList<string> Markers { get; init; }

        public async ValueTask DisposeAsync()
        {
            await VisitorA.DisposeAsync();
            await Sanne.DisposeAsync();
            Own.Dispose();
            SanneHttp.Dispose();
        }
    }

    private async Task<Seed> SeedDefaultAsync()
    {
        var u = Guid.NewGuid().ToString("n")[..8];
        var texts = new
        {
            ReplyTitle = $"IsoAntwoordTitel{u}", ReplyText = $"IsoAntwoordTekst{u}", ReferralName = $"IsoVerwijzing{u}",
            ReferralDescription = $"IsoVerwijzingUitleg{u}", ReferralOther = $"IsoHerkomst{u}", UrgentWord = $"isosignaal{u}",
            Letter = $"IsoBrief{u}", Message = $"IsoBericht{u}",
        };
        var own = await App.CoordinatorClientAsync();
        var sanneHttp = await App.ExpertClientAsync(1);
        var zone = App.Services.GetRequiredService<Chat.Server.ContactForms.ReportingZone>();
        var today = Chat.Server.Statistics.StatisticsApi.Today(zone, Clock);

        var accounts = (await own.GetFromJsonAsync<JsonElement>("/api/accounts")).EnumerateArray().ToList();
        string IdOf(string user) => accounts.Single(a => a.GetProperty("userName").GetString() == user).GetProperty("id").GetString()!;
        var (sanneId, rubenId, coordinatorId) = (IdOf("expert1"), IdOf("expert2"), IdOf("coordinator"));
        var sessionHandle = (await own.GetFromJsonAsync<JsonElement>("/api/auth/sessions")).EnumerateArray()
            .Single(s => s.GetProperty("current").GetBoolean()).GetProperty("id").GetString()!;

        var reply = await Created(await own.PostAsJsonAsync("/api/replies", new { title = texts.ReplyTitle, text = texts.ReplyText, language = "nl" }));
        var referral = await Created(await own.PostAsJsonAsync("/api/referrals", new
        {
            name = texts.ReferralName, kind = Chat.Server.ContactForms.ContactCodes.ProfessionalHelp.Codes.First().Key, phone = "0800-1234",
            description = texts.ReferralDescription,
        }));
        var start = Clock.GetUtcNow().AddDays(1);
        var shift = await Created(await own.PostAsJsonAsync("/api/roster", new
        {
            userName = "expert1", start = start.ToString("yyyy-MM-dd'T'HH:mm:00'Z'"), end = start.AddHours(3).ToString("yyyy-MM-dd'T'HH:mm:00'Z'"),
        }));
        Assert.Equal(HttpStatusCode.OK, (await own.PutAsJsonAsync("/api/triage/words", new { language = "nl", words = new[] { texts.UrgentWord } })).StatusCode);
        var form = await Created(await sanneHttp.PostAsJsonAsync("/api/contacts", new
        {
            occurredAt = Clock.GetUtcNow().AddHours(-1), durationMinutes = 10, conversation = "first", contactType = "phone",
            contactSeeker = "victim", referralSources = new[] { "other" }, referralOther = texts.ReferralOther, safety = "none",
        }));
        using var anonymous = App.CreateClient();
        var letter = await Created(await anonymous.PostAsJsonAsync("/api/mailbox", new { text = texts.Letter }));
        var threads = await sanneHttp.GetFromJsonAsync<JsonElement>("/api/mailbox/threads");
        var threadId = Assert.Single(threads.EnumerateArray()).GetProperty("id").GetString()!;

        // A live chat: a visitor of "default" with Sanne.
        var sanne = await App.ExpertAsync(1);
        var visitorA = await App.VisitorAsync();
        Assert.NotEqual("refused", (await visitorA.StartAsync(new { about = "victim" })).Status);
        var conversationId = (await sanne.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await visitorA.Inbox.Next("ChatStarted");
        await visitorA.SendAsync("a1", texts.Message);
        await sanne.Inbox.Until("MessageReceived", m => m.GetProperty("text").GetString() == texts.Message);
        var debrief = await sanne.Hub.InvokeAsync<DebriefResult>("RequestDebrief", conversationId);

        // A block: Ruben blocks a visitor from an address of its own (the other test visitors share TestServer's "no address").
        string blockId;
        await using (var ruben = await App.ExpertAsync(2))
        await using (var abuser = await VisitorFromAsync("203.0.113.77"))
        {
            await abuser.StartAsync(new { about = "victim" });
            var abusive = (await ruben.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
            blockId = (await ruben.Hub.InvokeAsync<BlockResult>("BlockVisitor", abusive, "abusive")).BlockId;
            await ruben.Inbox.Until("ChatEnded", e => e.GetProperty("conversationId").GetString() == abusive);
            await ruben.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "offline");
        }
        Assert.Contains(blockId, await own.GetStringAsync("/api/blocks"));

        return new Seed
        {
            Own = own, SanneHttp = sanneHttp, Sanne = sanne, VisitorA = visitorA, ConversationId = conversationId, SanneId = sanneId,
            ReplyId = reply.GetProperty("id").GetInt64(), ReferralId = referral.GetProperty("id").GetInt64(), ShiftId = shift.GetProperty("id").GetInt64(),
            DebriefId = debrief.Id, FormId = form.GetProperty("id").GetString()!, ThreadId = threadId, MailboxCode = letter.GetProperty("code").GetString()!,
            BlockId = blockId, SessionHandle = sessionHandle, Today = today.ToString("yyyy-MM-dd"),
            Week = Chat.Server.Statistics.ReportPeriod.WeekName(today),
            Markers =
            [
                texts.ReplyTitle, texts.ReplyText, texts.ReferralName, texts.ReferralDescription, texts.ReferralOther, texts.UrgentWord,
                texts.Letter, texts.Message, conversationId, sanneId, rubenId, coordinatorId, form.GetProperty("id").GetString()!, threadId,
                letter.GetProperty("code").GetString()!, blockId, sessionHandle, "Sanne", "Ruben", "Coördinator",
            ],
        };
    }

    private static async Task<JsonElement> Created(HttpResponseMessage r)
    {
        Assert.True(r.StatusCode == HttpStatusCode.Created, $"{r.RequestMessage?.RequestUri}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A visitor whose connection comes from <paramref name="address"/> (TestServer has none of its own).</summary>
    private async Task<Visitor> VisitorFromAsync(string address)
    {
        var server = App.Server;
        var hub = HubClient.Build(new Uri(server.BaseAddress, "hubs/visitor"), async (uri, ct) =>
        {
            var ws = server.CreateWebSocketClient();
            ws.ConfigureRequest = req => req.HttpContext.Connection.RemoteIpAddress = IPAddress.Parse(address);
            return await ws.ConnectAsync(uri, ct);
        });
        var v = new Visitor(hub);
        await hub.StartAsync();
        return v;
    }

    private async Task<Expert> WestExpertAsync()
    {
        var hub = App.Hub("/hubs/expert", await App.CookieAsync("expertwest", Password));
        var e = new Expert(hub);
        await hub.StartAsync();
        await hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
        return e;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Every /api endpoint
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>One call: a URL with "default"'s ids filled in, a JSON body for writes, and a check of a 2xx answer's figures.</summary>
    private sealed record Call(string Url, object? Body = null, Func<JsonElement, string?>? Check = null);

    /// <summary>A well-formed code that is nobody's (the check character makes a random one almost surely invalid: answered alike).</summary>
    private const string NotTheirCode = "ABCD-EFGH-JKMN-PQRS";

    /// <summary>
    /// Endpoints that are global by design and not project data; each with its reason. Nothing else may be left out.
    /// </summary>
    private static readonly Dictionary<string, string> Global = new()
    {
        // The widget's public calls: anonymous, the project named in ?project= (ProjectsTests covers their answers).
        ["GET /api/status"] = "public widget status of the project named in ?project=",
        ["GET /api/widget/config"] = "public widget configuration of the project named in ?project=",
        ["GET /api/contacts/codes"] = "the fixed code lists of the contact form, the same for every project",
        // The quick exit's beacon: anonymous, keyed by the visitor's secret resume token, 204 whatever the token.
        ["POST /api/visitor/leave"] = "anonymous beacon keyed by a visitor's secret resume token (answers 204 for any token)",
        // Sign-in and the caller's own account: nothing of any project, and calling them would end or change the session.
        ["POST /api/auth/login"] = "sign-in (anonymous)",
        ["POST /api/auth/logout"] = "ends the caller's own session",
        ["POST /api/auth/password"] = "the caller's own password, with the current one",
        ["POST /api/auth/sessions/end-others"] = "ends the caller's own other sessions",
        ["POST /api/auth/two-factor/setup"] = "the caller's own second factor",
        ["POST /api/auth/two-factor/enable"] = "the caller's own second factor",
        ["POST /api/auth/two-factor/disable"] = "the caller's own second factor",
    };

    /// <summary>The exercised endpoints: each called as west's coordinator and as west's expert.</summary>
    private static Dictionary<string, Func<Seed, Call[]>> Exercised() => new()
    {
        // Accounts and sign-in
        ["GET /api/accounts"] = _ => [new("/api/accounts")],
        ["POST /api/accounts"] = _ => [new("/api/accounts", new { userName = "sneaky", displayName = "S", experience = "victim", maxChats = 1, password = Password, projects = new[] { "default" } })],
        ["PUT /api/accounts/{id}"] = s => [new($"/api/accounts/{s.SanneId}", new { displayName = "Overgenomen", disabled = true })],
        ["POST /api/accounts/{id}/password"] = s => [new($"/api/accounts/{s.SanneId}/password", new { password = Password })],
        ["GET /api/auth/me"] = _ => [new("/api/auth/me")],
        ["GET /api/auth/sessions"] = _ => [new("/api/auth/sessions")],
        ["DELETE /api/auth/sessions/{id}"] = s => [new($"/api/auth/sessions/{s.SessionHandle}")],
        ["GET /api/auth/two-factor"] = _ => [new("/api/auth/two-factor")],
        // Projects
        ["GET /api/projects"] = _ => [new("/api/projects", Check: j => j.EnumerateArray().Any(p => p.GetProperty("slug").GetString() == "default") ? "lists project default" : null)],
        ["POST /api/projects"] = _ => [new("/api/projects", new { slug = "east", name = "East" })],
        ["PUT /api/projects/{slug}"] = _ => [new("/api/projects/default", new { name = "Overgenomen" })],
        // Blocks
        ["GET /api/blocks"] = _ => [new("/api/blocks")],
        ["DELETE /api/blocks/{id}"] = s => [new($"/api/blocks/{s.BlockId}")],
        // Contact forms
        ["GET /api/contacts"] = s => [new("/api/contacts"), new($"/api/contacts?from={s.Today}&to={s.Today}")],
        ["GET /api/contacts/pending"] = _ => [new("/api/contacts/pending")],
        ["POST /api/contacts"] = s => [new("/api/contacts", new
        {
            conversationId = s.ConversationId, durationMinutes = 5, conversation = "first", contactType = "website-chat", contactSeeker = "victim",
            referralSources = Array.Empty<string>(), safety = "none",
        })],
        // Roster
        ["GET /api/roster"] = s => [new("/api/roster"), new($"/api/roster?from={s.Today}&to={DateOnly.Parse(s.Today).AddDays(3):yyyy-MM-dd}")],
        ["POST /api/roster"] = s =>
        {
            var start = DateTimeOffset.Parse(s.Today).AddDays(2).AddHours(10);
            return [new("/api/roster", new { userName = "expert1", start = start.ToString("yyyy-MM-dd'T'HH:mm:00'Z'"), end = start.AddHours(2).ToString("yyyy-MM-dd'T'HH:mm:00'Z'") })];
        },
        ["DELETE /api/roster/{id:long}"] = s => [new($"/api/roster/{s.ShiftId}"), new($"/api/roster/{s.ShiftId}?series=true")],
        // Statistics
        ["GET /api/statistics"] = s => [new($"/api/statistics?from={s.Today}&to={s.Today}", Check: j => j.GetProperty("contacts").GetInt32() != 0 ? "counts default's contact" : null)],
        ["GET /api/statistics/weekly"] = s => [new($"/api/statistics/weekly?week={s.Week}", Check: j => j.GetProperty("contacts").GetInt32() != 0 ? "counts default's contact" : null)],
        ["GET /api/statistics/export.csv"] = s => [new($"/api/statistics/export.csv?from={s.Today}&to={s.Today}")],
        ["GET /api/statistics/trend"] = s => [new($"/api/statistics/trend?week={s.Week}&weeks=2")],
        ["GET /api/statistics/heatmap"] = s => [new($"/api/statistics/heatmap?from={s.Today}&to={s.Today}")],
        ["GET /api/statistics/experts"] = s => [new($"/api/statistics/experts?from={s.Today}&to={s.Today}")],
        ["GET /api/statistics/live"] = _ => [new("/api/statistics/live", Check: j => j.GetProperty("queue").GetProperty("waiting").GetInt32() != 0 ? "counts default's waiting visitor" : null)],
        ["GET /api/statistics/me"] = s => [new($"/api/statistics/me?from={s.Today}&to={s.Today}")],
        // Wellbeing
        ["GET /api/debriefs"] = _ => [new("/api/debriefs")],
        ["DELETE /api/debriefs/{id:long}"] = s => [new($"/api/debriefs/{s.DebriefId}")],
        // Replies and referral cards
        ["GET /api/replies"] = _ => [new("/api/replies")],
        ["POST /api/replies"] = _ => [new("/api/replies", new { title = "West", text = "Een antwoord van west", language = "nl" })],
        ["PUT /api/replies/{id:long}"] = s => [new($"/api/replies/{s.ReplyId}", new { title = "Overgenomen", text = "Overgenomen", language = "nl" })],
        ["DELETE /api/replies/{id:long}"] = s => [new($"/api/replies/{s.ReplyId}")],
        ["GET /api/referrals"] = _ => [new("/api/referrals")],
        ["POST /api/referrals"] = _ => [new("/api/referrals", new { name = "West hulp", kind = Chat.Server.ContactForms.ContactCodes.ProfessionalHelp.Codes.First().Key, phone = "0800-9999" })],
        ["PUT /api/referrals/{id:long}"] = s => [new($"/api/referrals/{s.ReferralId}", new { name = "Overgenomen", kind = Chat.Server.ContactForms.ContactCodes.ProfessionalHelp.Codes.First().Key, phone = "0800-0000" })],
        ["DELETE /api/referrals/{id:long}"] = s => [new($"/api/referrals/{s.ReferralId}")],
        // Urgent words: west's own lists, and "default"'s by name
        ["GET /api/triage/words"] = _ => [new("/api/triage/words"), new("/api/triage/words?project=default")],
        ["PUT /api/triage/words"] = _ => [new("/api/triage/words?project=default", new { language = "nl", words = new[] { "overgenomen" } }),
            new("/api/triage/words?project=default", new { language = "nl", reset = true })],
        // Mailbox: the experts' side with default's thread, the visitor's side with default's code
        ["GET /api/mailbox/summary"] = _ => [new("/api/mailbox/summary", Check: j => j.GetProperty("waiting").GetInt32() != 0 ? "counts default's letter" : null)],
        ["GET /api/mailbox/threads"] = _ => [new("/api/mailbox/threads")],
        ["POST /api/mailbox/threads/{id}/claim"] = s => [new($"/api/mailbox/threads/{s.ThreadId}/claim")],
        ["POST /api/mailbox/threads/{id}/answer"] = s => [new($"/api/mailbox/threads/{s.ThreadId}/answer", new { text = "Overgenomen antwoord" })],
        ["POST /api/mailbox/threads/{id}/release"] = s => [new($"/api/mailbox/threads/{s.ThreadId}/release")],
        ["POST /api/mailbox/threads/{id}/note"] = s => [new($"/api/mailbox/threads/{s.ThreadId}/note", new { text = "Overgenomen notitie" })],
        ["POST /api/mailbox/threads/{id}/close"] = s => [new($"/api/mailbox/threads/{s.ThreadId}/close", new { reason = "spam" })],
        ["POST /api/mailbox"] = _ => [new("/api/mailbox", new { text = "Een brief aan west", project = "west" })],
        // The visitor's endpoints by code: the code is the letter writer's own key (whoever holds it is them, in any
        // project), never something a project's staff can list; west's people try one that is not theirs.
        ["POST /api/mailbox/open"] = _ => [new("/api/mailbox/open", new { code = NotTheirCode })],
        ["POST /api/mailbox/write"] = _ => [new("/api/mailbox/write", new { code = NotTheirCode, text = "Overgenomen brief" })],
        ["POST /api/mailbox/delete"] = _ => [new("/api/mailbox/delete", new { code = NotTheirCode })],
    };

    /// <summary>"GET /api/replies/{id:long}" for every /api route endpoint of the running app.</summary>
    private IReadOnlyList<string> ApiEndpoints() =>
        App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: Normalise(e.RoutePattern.RawText ?? ""), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods))
            .Where(e => e.Pattern.StartsWith("/api", StringComparison.Ordinal) && e.Methods is { Count: > 0 })
            .SelectMany(e => e.Methods!.Select(m => $"{m} {e.Pattern}"))
            .Distinct().Order(StringComparer.Ordinal).ToList();

    private static string Normalise(string pattern)
    {
        var p = "/" + string.Join('/', pattern.Split('/', StringSplitOptions.RemoveEmptyEntries));
        return p;
    }

    /// <summary>Every string of a JSON answer decoded (a name with ö arrives as \u00F6), with the raw text.</summary>
    private static string Readable(string body)
    {
        var all = new StringBuilder(body);
        try
        {
            using var doc = JsonDocument.Parse(body);
            void Walk(JsonElement e)
            {
                switch (e.ValueKind)
                {
                    case JsonValueKind.Object:
                        foreach (var p in e.EnumerateObject()) { all.Append('\n').Append(p.Name); Walk(p.Value); }
                        break;
                    case JsonValueKind.Array:
                        foreach (var x in e.EnumerateArray()) Walk(x);
                        break;
                    case JsonValueKind.String:
                        all.Append('\n').Append(e.GetString());
                        break;
                }
            }
            Walk(doc.RootElement);
        }
        catch (JsonException) { /* CSV or empty: the raw text */ }
        return all.ToString();
    }

    /// <summary>What "default"'s own people read of their records (compared before and after west's calls).</summary>
    private static async Task<Dictionary<string, string>> SnapshotAsync(Seed s)
    {
        var to = DateOnly.Parse(s.Today).AddDays(3).ToString("yyyy-MM-dd");
        var snapshot = new Dictionary<string, string>();
        foreach (var url in new[]
                 {
                     "/api/accounts", "/api/replies", "/api/referrals", $"/api/roster?from={s.Today}&to={to}", "/api/debriefs", "/api/triage/words",
                     "/api/contacts", "/api/blocks", "/api/auth/sessions", "/api/statistics/live",
                 })
        {
            var r = await s.Own.GetAsync(url);
            snapshot["coordinator " + url] = $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}";
        }
        var threads = await s.SanneHttp.GetAsync("/api/mailbox/threads");
        snapshot["expert1 /api/mailbox/threads"] = $"{(int)threads.StatusCode} {await threads.Content.ReadAsStringAsync()}";
        return snapshot;
    }

    [Fact]
    public async Task EveryEndpointRefusesOrHidesTheOtherProjectsRecords()
    {
        // Every endpoint is exercised or allow-listed, and every entry names an endpoint that exists.
        var endpoints = ApiEndpoints();
        var exercised = Exercised();
        var missing = endpoints.Where(e => !exercised.ContainsKey(e) && !Global.ContainsKey(e)).ToList();
        Assert.True(missing.Count == 0,
            "New endpoints neither exercised by the isolation test nor allow-listed as global (add them to Exercised() or Global):\n  "
            + string.Join("\n  ", missing));
        var stale = exercised.Keys.Concat(Global.Keys).Where(k => !endpoints.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "Isolation entries for endpoints that no longer exist:\n  " + string.Join("\n  ", stale));

        await using var seed = await SeedDefaultAsync();
        // A visitor of "default" waiting (Sanne has her one chat, Ruben is offline).
        await using var waiting = await App.VisitorAsync();
        Assert.Equal("queued", (await waiting.StartAsync(new { about = "victim" })).Status);

        var before = await SnapshotAsync(seed);
        var problems = new List<string>();
        var calls = 0;
        using var coordWest = await App.SignedInClientAsync("coordwest", Password);
        using var expertWest = await App.SignedInClientAsync("expertwest", Password);
        // Every read by both first, then the writes: a write that wrongly succeeds must not hide a read's leak, and west's
        // own new records (a letter, a reply) must not be mistaken for default's in a count.
        foreach (var reads in new[] { true, false })
        foreach (var (who, client) in new[] { ("west's coordinator", coordWest), ("west's expert", expertWest) })
        {
            foreach (var key in exercised.Keys.Where(k => k.StartsWith("GET ", StringComparison.Ordinal) == reads).Order(StringComparer.Ordinal))
            {
                var method = new HttpMethod(key[..key.IndexOf(' ')]);
                foreach (var call in exercised[key](seed))
                {
                    calls++;
                    using var request = new HttpRequestMessage(method, call.Url);
                    if (method != HttpMethod.Get)
                        request.Content = call.Body is null ? EmptyJson() : JsonContent.Create(call.Body);
                    using var response = await client.SendAsync(request);
                    var status = (int)response.StatusCode;
                    var body = await response.Content.ReadAsStringAsync();
                    var readable = Readable(body);
                    var leaked = seed.Markers.Where(m => readable.Contains(m, StringComparison.Ordinal)).ToList();
                    if (leaked.Count > 0)
                        problems.Add($"LEAK: {method} {call.Url} as {who} answered {status} with default's {string.Join(", ", leaked.Select(m => $"'{m}'"))}");
                    else if (status is >= 200 and < 300)
                    {
                        if (call.Check is not null && body.Length > 0 && call.Check(JsonDocument.Parse(body).RootElement) is { } figure)
                            problems.Add($"LEAK: {method} {call.Url} as {who} answered {status}: {figure}");
                    }
                    else if (status is not (400 or 401 or 403 or 404))
                        problems.Add($"UNEXPECTED: {method} {call.Url} as {who} answered {status} (not 2xx, 400, 401, 403 or 404): {body[..Math.Min(body.Length, 300)]}");
                }
            }
        }

        // Nothing of "default" changed: its own people read exactly what they read before.
        var after = await SnapshotAsync(seed);
        foreach (var (what, was) in before)
            if (after[what] != was)
                problems.Add($"CHANGED: {what} differs after west's calls:\n    before: {was}\n    after:  {after[what]}");
        // And the live chat goes on (an end or a transfer would have told the visitor).
        Assert.Empty(seed.VisitorA.Inbox.Drain("ChatEnded"));

        Assert.True(calls >= exercised.Count * 2, $"only {calls} calls for {exercised.Count} endpoints");
        Assert.True(problems.Count == 0, $"{problems.Count} isolation failures over {exercised.Count} endpoints ({calls} calls):\n" + string.Join("\n", problems));
    }

    private static ByteArrayContent EmptyJson()
    {
        var content = new ByteArrayContent([]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The expert hub
    // ---------------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task WestsExpertCanNeitherReachNorHearADefaultChat()
    {
        await using var seed = await SeedDefaultAsync();
        var (convA, sanne, visitorA) = (seed.ConversationId, seed.Sanne, seed.VisitorA);

        // Noor (west) with a chat of her own, and still free for a second.
        await using var noor = await WestExpertAsync();
        await using var westVisitor = await App.VisitorAsync();
        Assert.NotEqual("refused", (await westVisitor.StartAsync(new { project = "west" })).Status);
        var convW = (await noor.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await westVisitor.Inbox.Next("ChatStarted");
        await noor.Hub.InvokeAsync<JsonElement>("GetState"); // every event before this call has arrived
        noor.Inbox.Drain("QueueChanged");

        // A visitor of "default" in danger waits (Sanne is full): Noor, free, neither gets them nor hears of them.
        await using var inDanger = await App.VisitorAsync();
        Assert.Equal("queued", (await inDanger.StartAsync(new { about = "victim", inDanger = true })).Status);
        await sanne.Inbox.Until("QueueChanged", e => e.GetProperty("danger").GetInt32() >= 1);
        // Every leak is collected, so one run names them all.
        var problems = new List<string>();
        var status = await noor.Hub.InvokeAsync<QueueStatus>("GetQueueStatus");
        if (status.Waiting != 0 || status.Danger != 0) problems.Add($"LEAK: GetQueueStatus of west's expert counts default's visitor ({status})");
        try
        {
            if (await noor.Hub.InvokeAsync<ChatAssigned?>("TakeUrgent") is { } taken)
                problems.Add($"LEAK: TakeUrgent gave west's expert default's visitor in danger ({taken.ConversationId})");
        }
        catch (HubException) { /* refused is as good as nothing */ }
        var heard = noor.Inbox.Drain("QueueChanged");
        if (!heard.All(e => e.GetProperty("waiting").GetInt32() == 0 && e.GetProperty("danger").GetInt32() == 0))
            problems.Add("LEAK: QueueChanged to west's expert counts default's visitors: " + string.Join(" ", heard));
        var assigned = noor.Inbox.Drain("ChatAssigned");
        if (assigned.Count > 0) problems.Add("LEAK: ChatAssigned of a default visitor to west's expert: " + string.Join(" ", assigned));
        var state = Readable((await noor.Hub.InvokeAsync<JsonElement>("GetState")).GetRawText());
        var inState = seed.Markers.Where(m => state.Contains(m, StringComparison.Ordinal)).ToList();
        if (inState.Count > 0) problems.Add("LEAK: GetState of west's expert holds default's " + string.Join(", ", inState));

        // Every method that takes a conversation, with default's live chat: refused.
        var attempts = new (string Method, Func<Task> Call)[]
        {
            ("SendMessage", () => noor.Hub.InvokeAsync<SendResult>("SendMessage", convA, "w1", "Een bericht van west")),
            ("SendReferral", () => noor.Hub.InvokeAsync<SendResult>("SendReferral", convA, "w2", seed.ReferralId)),
            ("Typing", () => noor.Hub.InvokeAsync("Typing", convA, true)),
            ("TransferChat", () => noor.Hub.InvokeAsync("TransferChat", convA)),
            ("BlockVisitor", () => noor.Hub.InvokeAsync<BlockResult>("BlockVisitor", convA, "abusive")),
            ("EndChat", () => noor.Hub.InvokeAsync("EndChat", convA)),
        };
        foreach (var (method, call) in attempts)
        {
            try
            {
                await call();
                problems.Add($"LEAK: {method} by west's expert on default's live chat was not refused");
            }
            catch (HubException) { /* refused */ }
        }

        // Default's referral card in west's own chat: refused as unknown (the card is default's record).
        try
        {
            await noor.Hub.InvokeAsync<SendResult>("SendReferral", convW, "w3", seed.ReferralId);
            problems.Add("LEAK: SendReferral sent default's referral card into west's chat: "
                         + (await westVisitor.Inbox.Next("MessageReceived")).GetRawText());
        }
        catch (HubException) { /* refused */ }

        // Nothing changed: the chat goes on both ways, nobody ended, moved, blocked or typed in it.
        await visitorA.SendAsync("a2", "nog steeds hier");
        await sanne.Inbox.Until("MessageReceived", m => m.GetProperty("text").GetString() == "nog steeds hier");
        await sanne.SendAsync(convA, "s1", "ik ben er nog");
        var seen = new List<JsonElement>();
        while (true)
        {
            var m = await visitorA.Inbox.Next("MessageReceived");
            if (m.GetProperty("text").GetString() == "ik ben er nog") break;
            if (m.GetProperty("from").GetString() != "visitor") seen.Add(m); // the visitor's own messages come back to it too
        }
        if (seen.Count > 0) problems.Add("LEAK: default's visitor received from west: " + string.Join(" ", seen));
        foreach (var (who, inbox, name) in new[]
                 {
                     ("default's visitor", visitorA.Inbox, "ChatEnded"), ("default's visitor", visitorA.Inbox, "BackInQueue"),
                     ("default's visitor", visitorA.Inbox, "TypingChanged"), ("Sanne", sanne.Inbox, "ChatEnded"),
                 })
            if (inbox.Drain(name) is { Count: > 0 } got)
                problems.Add($"CHANGED: {who} received {name} after west's calls: " + string.Join(" ", got));
        var blocks = await seed.Own.GetFromJsonAsync<JsonElement>("/api/blocks");
        if (blocks.EnumerateArray().Select(b => b.GetProperty("id").GetString()).SingleOrDefault() != seed.BlockId)
            problems.Add("CHANGED: default's blocks after west's calls: " + blocks.GetRawText());
        if ((await App.Queue.SummaryAsync()).Waiting != 1) // the visitor in danger only: nothing transferred back
            problems.Add($"CHANGED: {(await App.Queue.SummaryAsync()).Waiting} waiting after west's calls, not 1");

        // RequestDebrief ignores the conversation (the debrief is the caller's own): it must land in west, not in default.
        await noor.Hub.InvokeAsync<DebriefResult>("RequestDebrief", convA);
        using var coordWest = await App.SignedInClientAsync("coordwest", Password);
        var westDebriefs = await coordWest.GetStringAsync("/api/debriefs");
        var ownDebriefs = await seed.Own.GetStringAsync("/api/debriefs");
        if (ownDebriefs.Contains("Noor", StringComparison.Ordinal) || !westDebriefs.Contains("Noor", StringComparison.Ordinal))
            problems.Add($"LEAK: RequestDebrief of west's expert is stored in the wrong project: default's coordinator reads {ownDebriefs}, west's reads {westDebriefs}");

        Assert.True(problems.Count == 0, $"{problems.Count} isolation failures in the expert hub:\n" + string.Join("\n", problems));
    }
}

public sealed class IsolationEmbeddedTests : IsolationTests
{
    protected override Dictionary<string, string?> Mode() => new();
}

[Collection(RedisCollection.Name)]
public sealed class IsolationRedisTests(RedisServer redis) : IsolationTests
{
    protected override Dictionary<string, string?> Mode() => new()
    {
        ["ConnectionStrings:Redis"] = redis.ConnectionString,
        ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():n}:",
    };
}
