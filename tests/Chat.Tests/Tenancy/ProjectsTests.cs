using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Tenancy;

/// <summary>
/// Two projects on one installation, in both modes: the Development installation's project "default" (expert1 Sanne,
/// expert2 Ruben, the coordinator) and a project "west" made by the administrator with its own coordinator and expert.
/// Neither sees the other's queue, accounts or records; a visitor of a closed project who says yes chats with the
/// partner project's expert, and a visitor who waits too long is asked before anything moves.
/// </summary>
public abstract class ProjectsTests : IAsyncLifetime
{
    protected readonly ManualClock Clock = new(DateTimeOffset.UtcNow);
    protected ChatApp App = null!;
    protected const string Password = SecondProject.Password;

    protected abstract Dictionary<string, string?> Mode();

    public async Task InitializeAsync()
    {
        var settings = Mode();
        settings["Chat:CoolDown"] = "00:00:00";
        settings["Abuse:MaxQueue"] = "2"; // per project
        settings["Abuse:MaxOpenChatsPerAddress"] = "10"; // every visitor here shares one address
        settings["Abuse:SignInsPerMinute"] = "100";      // and every account signs in from it, on a clock that stands still
        App = new ChatApp(settings) { Clock = Clock };
        _ = App.Server;
        await SecondProject.CreateAsync(App, "west", new
        {
            slug = "west", name = "Chat West-Brabant", organisationName = "Samen Veilig West", partners = new[] { "default" }, overflowAfter = 120,
        }, new("coordwest", "Ilse", Coordinator: true), new("expertwest", "Noor"));
        // A partnership holds only when both name each other.
        using var admin = await App.SignedInClientAsync("admin", "Demo-Admin-1");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/projects/default", new { partners = new[] { "west" }, overflowAfter = 60 })).StatusCode);
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    private async Task<Expert> WestExpertAsync(string availability = "available")
    {
        var hub = App.Hub("/hubs/expert", await App.CookieAsync("expertwest", Password));
        var e = new Expert(hub);
        await hub.StartAsync();
        if (availability != "offline") await hub.InvokeAsync<AvailabilityResult>("SetAvailability", availability);
        return e;
    }

    [Fact]
    public async Task EachProjectHasItsOwnQueueExpertsAndStatus()
    {
        await using var sanne = await App.ExpertAsync(1, "paused"); // "default" is open, nobody takes chats
        await using var noor = await WestExpertAsync();              // "west" is open, Noor is free

        using var anonymous = App.CreateClient();
        var west = await anonymous.GetFromJsonAsync<JsonElement>("/api/status?project=west");
        Assert.True(west.GetProperty("open").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/status?project=nowhere")).StatusCode);
        var config = await anonymous.GetFromJsonAsync<JsonElement>("/api/widget/config?project=west");
        Assert.Equal("Samen Veilig West", config.GetProperty("organisationName").GetString());

        // A visitor of "default" waits for "default": Noor, free, does not get them, and her console hears of no one waiting.
        await using var visitor = await App.VisitorAsync();
        var start = await visitor.StartAsync(new { about = "victim" });
        Assert.Equal("queued", start.Status);
        Assert.Null(start.Overflow);
        Assert.Equal(0, (await noor.Hub.InvokeAsync<QueueStatus>("GetQueueStatus")).Waiting);
        Assert.Equal(1, (await sanne.Hub.InvokeAsync<QueueStatus>("GetQueueStatus")).Waiting);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/status")).StatusCode);
        Assert.Equal(1, (await anonymous.GetFromJsonAsync<JsonElement>("/api/status?project=default")).GetProperty("waiting").GetInt32());
        Assert.Equal(0, (await anonymous.GetFromJsonAsync<JsonElement>("/api/status?project=west")).GetProperty("waiting").GetInt32());

        // A visitor of "west" goes to Noor at once.
        await using var westVisitor = await App.VisitorAsync();
        var westStart = await westVisitor.StartAsync(new { project = "west" });
        var started = await westVisitor.Inbox.Next("ChatStarted");
        Assert.Equal("Noor", started.GetProperty("expert").GetProperty("displayName").GetString());
        Assert.NotEqual("refused", westStart.Status);

        // An unknown project is a clear refusal, and nothing starts.
        await using var lost = await App.VisitorAsync();
        var ex = await Assert.ThrowsAsync<HubException>(() => lost.StartAsync(new { project = "nowhere" }));
        Assert.Contains("data-project", ex.Message);

        // Sanne takes her own visitor when she is free.
        await sanne.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
        await visitor.Inbox.Next("ChatStarted");
    }

    [Fact]
    public async Task CoordinatorsAndAdministratorSeeOnlyWhatIsTheirs()
    {
        using var west = await App.SignedInClientAsync("coordwest", Password);
        using var own = await App.CoordinatorClientAsync();
        using var admin = await App.SignedInClientAsync("admin", "Demo-Admin-1");

        var westAccounts = await west.GetFromJsonAsync<JsonElement>("/api/accounts");
        Assert.Equal("coordwest,expertwest", string.Join(",", westAccounts.EnumerateArray().Select(a => a.GetProperty("userName").GetString()).Order()));
        var ownAccounts = (await own.GetFromJsonAsync<JsonElement>("/api/accounts")).EnumerateArray().ToList();
        Assert.DoesNotContain(ownAccounts, a => a.GetProperty("userName").GetString() is "coordwest" or "expertwest");
        var sanneId = ownAccounts.Single(a => a.GetProperty("userName").GetString() == "expert1").GetProperty("id").GetString();

        // West's coordinator cannot change, reset or move an account of "default", nor make one there.
        Assert.Equal(HttpStatusCode.NotFound, (await west.PutAsJsonAsync($"/api/accounts/{sanneId}", new { displayName = "X" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await west.PostAsJsonAsync($"/api/accounts/{sanneId}/password", new { password = Password })).StatusCode);
        var outside = await west.PostAsJsonAsync("/api/accounts", new
        {
            userName = "sneaky", displayName = "S", experience = "victim", maxChats = 1, password = Password, projects = new[] { "default" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);

        // Projects: the administrator sees both, a coordinator their own; only the administrator changes them.
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement>("/api/projects")).GetArrayLength());
        var mine = await west.GetFromJsonAsync<JsonElement>("/api/projects");
        Assert.Equal("west", Assert.Single(mine.EnumerateArray()).GetProperty("slug").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await west.PostAsJsonAsync("/api/projects", new { slug = "east", name = "East" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await west.PutAsJsonAsync("/api/projects/default", new { name = "Mine" })).StatusCode);

        // Bad input: a clear error, nothing made.
        var bad = await admin.PostAsJsonAsync("/api/projects", new { slug = "Bad Slug!", name = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("slug", out _));
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/projects", new { slug = "west", name = "Again" })).StatusCode);
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement>("/api/projects")).GetArrayLength());

        // A contact form of "default" is not West's to read, and the administrator (no project) reads no form at all.
        var formBody = new
        {
            occurredAt = DateTimeOffset.UtcNow.AddHours(-1), durationMinutes = 10, conversation = "first", contactType = "phone",
            contactSeeker = "victim", referralSources = Array.Empty<string>(), safety = "none",
        };
        using var sanne = await App.ExpertClientAsync(1);
        var saved = await sanne.PostAsJsonAsync("/api/contacts", formBody);
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        Assert.Equal(1, await CountFormsAsync(own));
        Assert.Equal(0, await CountFormsAsync(west));
    }

    [Fact]
    public async Task AnAccountOfTwoProjectsGetsItsRoleAndPasswordOnlyFromACoordinatorOfBoth()
    {
        using var admin = await App.SignedInClientAsync("admin", "Demo-Admin-1");
        var shared = await admin.PostAsJsonAsync("/api/accounts", new
        {
            userName = "gedeeld", displayName = "Mila", experience = "victim", maxChats = 1, password = Password, projects = new[] { "default", "west" },
        });
        Assert.Equal(HttpStatusCode.Created, shared.StatusCode);
        var id = (await shared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var west = await App.SignedInClientAsync("coordwest", Password);
        // West's coordinator may rename Mila, but not make her coordinator (she would read "default"), nor reset her password.
        Assert.Equal(HttpStatusCode.OK, (await west.PutAsJsonAsync($"/api/accounts/{id}", new { displayName = "Mila B." })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await west.PutAsJsonAsync($"/api/accounts/{id}", new { coordinator = true })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await west.PutAsJsonAsync($"/api/accounts/{id}", new { disabled = true })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await west.PostAsJsonAsync($"/api/accounts/{id}/password", new { password = Password + "x" })).StatusCode);
        var after = (await admin.GetFromJsonAsync<JsonElement>("/api/accounts")).EnumerateArray().Single(a => a.GetProperty("id").GetString() == id);
        Assert.False(after.GetProperty("coordinator").GetBoolean());
        Assert.False(after.GetProperty("disabled").GetBoolean());
        // Taking west away leaves her "default".
        Assert.Equal(HttpStatusCode.OK, (await west.PutAsJsonAsync($"/api/accounts/{id}", new { projects = Array.Empty<string>() })).StatusCode);
        after = (await admin.GetFromJsonAsync<JsonElement>("/api/accounts")).EnumerateArray().Single(a => a.GetProperty("id").GetString() == id);
        Assert.Equal("default", string.Join(",", after.GetProperty("projects").EnumerateArray().Select(p => p.GetString())));
    }

    [Fact]
    public async Task AnAccountTheAdministratorMadeChoosesItsOwnPasswordBeforeAnythingElse()
    {
        using (var admin = await App.SignedInClientAsync("admin", "Demo-Admin-1"))
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/accounts", new
            {
                userName = "nieuw", displayName = "Fenna", experience = "victim", maxChats = 1, password = ChatApp.AdministratorsFirstPassword,
                projects = new[] { "west" },
            })).StatusCode);

        var client = App.CreateClient(new() { BaseAddress = App.ClientOptions.BaseAddress, HandleCookies = true, AllowAutoRedirect = false });
        var login = await client.PostAsJsonAsync("/api/auth/login", new { userName = "nieuw", password = ChatApp.AdministratorsFirstPassword });
        Assert.True((await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("passwordChangeRequired").GetBoolean());
        // Nothing else until then: the APIs say why, the console's pages lead to the password page, the hub refuses.
        var refused = await client.GetAsync("/api/contacts");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("passwordChangeRequired").GetBoolean());
        var page = await client.GetAsync("/console");
        Assert.Equal("/console/password?returnUrl=%2Fconsole", page.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console/password")).StatusCode);
        var cookie = string.Join("; ", login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        await using (var hub = App.Hub("/hubs/expert", cookie))
            Assert.Contains("403", (await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync())).Message);

        // Keeping the administrator's password is no change; an own one opens everything, in this same session.
        var same = await client.PostAsJsonAsync("/api/auth/password", new { currentPassword = ChatApp.AdministratorsFirstPassword, newPassword = ChatApp.AdministratorsFirstPassword });
        Assert.Equal(HttpStatusCode.BadRequest, same.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/contacts")).StatusCode);
        var own = await client.PostAsJsonAsync("/api/auth/password", new { currentPassword = ChatApp.AdministratorsFirstPassword, newPassword = Password });
        Assert.Equal(HttpStatusCode.NoContent, own.StatusCode);
        Assert.False((await client.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("passwordChangeRequired").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/contacts")).StatusCode);
        await using var noor = new Expert(App.Hub("/hubs/expert", await App.CookieAsync("nieuw", Password)));
        await noor.Hub.StartAsync();

        // A coordinator's new account in their own project signs in and works at once (the coordinator hands it over).
        using var coordinator = await App.CoordinatorClientAsync();
        Assert.Equal(HttpStatusCode.Created, (await coordinator.PostAsJsonAsync("/api/accounts", new
        {
            userName = "collega", displayName = "Joke", experience = "victim", maxChats = 1, password = Password,
        })).StatusCode);
        using var colleague = await App.SignedInClientAsync("collega", Password);
        Assert.Equal(HttpStatusCode.OK, (await colleague.GetAsync("/api/contacts")).StatusCode);
        client.Dispose();
    }

    private static async Task<int> CountFormsAsync(HttpClient client)
    {
        var r = await client.GetAsync("/api/contacts");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await r.Content.ReadFromJsonAsync<JsonElement>();
        return (body.ValueKind == JsonValueKind.Array ? body : body.GetProperty("items")).GetArrayLength();
    }

    [Fact]
    public async Task AVisitorOfAClosedProjectWhoSaysYesChatsWithThePartnersExpert()
    {
        await using var noor = await WestExpertAsync();   // "default" has nobody on shift: closed
        await using var visitor = await App.VisitorAsync();
        var start = await visitor.StartAsync(new { about = "victim" });
        Assert.Equal("closed", start.Status);
        Assert.NotNull(start.Overflow);
        Assert.Equal("west", start.Overflow!.Project);
        Assert.Equal("Chat West-Brabant", start.Overflow.Name);

        var accepted = await visitor.Hub.InvokeAsync<StartChatResult>("AcceptOverflow", "west");
        Assert.NotNull(accepted.ResumeToken);
        var started = await visitor.Inbox.Next("ChatStarted");
        Assert.Equal("Noor", started.GetProperty("expert").GetProperty("displayName").GetString());
        var assigned = await noor.Inbox.Next("ChatAssigned");
        var conversationId = assigned.GetProperty("conversationId").GetString()!;

        // The form is West's: its expert took the chat.
        await noor.Hub.InvokeAsync("EndChat", conversationId);
        await noor.Inbox.Until("ChatEnded", e => e.GetProperty("conversationId").GetString() == conversationId);
        using var westExpert = await App.SignedInClientAsync("expertwest", Password);
        var saved = await westExpert.PostAsJsonAsync("/api/contacts", new
        {
            conversationId, durationMinutes = 5, conversation = "first", contactType = "website-chat", contactSeeker = "victim",
            referralSources = Array.Empty<string>(), safety = "none",
        });
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        using var west = await App.SignedInClientAsync("coordwest", Password);
        using var own = await App.CoordinatorClientAsync();
        Assert.Equal(1, await CountFormsAsync(west));
        Assert.Equal(0, await CountFormsAsync(own));

        // The figures: the request counts where the visitor asked ("default", closed, then answered through the partner);
        // the contact where the expert works ("west"). Neither project's page shows the other's contacts.
        var today = Chat.Server.Statistics.StatisticsApi.Today(App.Services.GetRequiredService<Chat.Server.ContactForms.ReportingZone>(), Clock)
            .ToString("yyyy-MM-dd");
        var westReport = await west.GetFromJsonAsync<JsonElement>($"/api/statistics?from={today}&to={today}");
        var ownReport = await own.GetFromJsonAsync<JsonElement>($"/api/statistics?from={today}&to={today}");
        Assert.Equal(1, westReport.GetProperty("contacts").GetInt32());
        Assert.Equal(0, ownReport.GetProperty("contacts").GetInt32());
        Assert.Equal(0, westReport.GetProperty("chat").GetProperty("requests").GetInt32());
        Assert.Equal(1, ownReport.GetProperty("chat").GetProperty("requests").GetInt32());
        // Counted in both: out of "default", into "west".
        Assert.Equal(1, ownReport.GetProperty("chat").GetProperty("overflow").GetProperty("out").GetInt32());
        Assert.Equal(0, ownReport.GetProperty("chat").GetProperty("overflow").GetProperty("in").GetInt32());
        Assert.Equal(1, westReport.GetProperty("chat").GetProperty("overflow").GetProperty("in").GetInt32());
        // The chat Noor took counts in her workload, in her project.
        var westWorkload = await west.GetFromJsonAsync<JsonElement>($"/api/statistics/experts?from={today}&to={today}");
        Assert.Equal(1, westWorkload.EnumerateArray().Single(e => e.GetProperty("displayName").GetString() == "Noor").GetProperty("chatsTaken").GetInt32());
        // One project of the caller's at a time (?project=); another project's is as if it did not exist.
        Assert.Equal(1, (await west.GetFromJsonAsync<JsonElement>($"/api/statistics?from={today}&to={today}&project=west")).GetProperty("contacts").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await west.GetAsync($"/api/statistics?from={today}&to={today}&project=default")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await west.GetAsync($"/api/statistics/export.csv?from={today}&to={today}&project=default")).StatusCode);
    }

    [Fact]
    public async Task AFullQueueInOneProjectLeavesTheOtherOpen()
    {
        await using var sanne = await App.ExpertAsync(1, "paused");
        await using var noor = await WestExpertAsync("paused");
        var visitors = new List<Visitor>();
        for (var i = 0; i < 2; i++)
        {
            var v = await App.VisitorAsync();
            visitors.Add(v);
            Assert.Equal("queued", (await v.StartAsync()).Status);
        }
        await using var third = await App.VisitorAsync();
        var refused = await third.StartAsync();
        Assert.Equal("refused", refused.Status);
        Assert.Equal("busy", refused.Reason);
        await using var westVisitor = await App.VisitorAsync();
        Assert.Equal("queued", (await westVisitor.StartAsync(new { project = "west" })).Status);
        foreach (var v in visitors) await v.DisposeAsync();
    }

    [Fact]
    public async Task AProjectsWidgetMayBeEmbeddedByItsOwnSitesOnly()
    {
        using var admin = await App.SignedInClientAsync("admin", "Demo-Admin-1");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/projects/west", new { embedOrigins = new[] { "https://www.west.example" } })).StatusCode);
        var bad = await admin.PutAsJsonAsync("/api/projects/west", new { embedOrigins = new[] { "https://www.west.example/path" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        await App.Services.GetRequiredService<Chat.Server.Tenancy.ProjectDirectory>().AllAsync();
        using var anonymous = App.CreateClient();
        string FrameAncestors(HttpResponseMessage r) =>
            r.Headers.GetValues("Content-Security-Policy").Single().Split(';').Select(p => p.Trim()).Single(p => p.StartsWith("frame-ancestors"));
        Assert.Equal("frame-ancestors https://www.west.example", FrameAncestors(await anonymous.GetAsync("/widget/?project=west")));
        Assert.NotEqual("frame-ancestors https://www.west.example", FrameAncestors(await anonymous.GetAsync("/widget/")));
        // The parameter named in another case is the same parameter; named twice, nobody may frame the page (the widget
        // takes neither): not the installation's list, which a project naming its own sites must not get.
        Assert.Equal("frame-ancestors https://www.west.example", FrameAncestors(await anonymous.GetAsync("/widget/?Project=west")));
        Assert.Equal("frame-ancestors 'none'", FrameAncestors(await anonymous.GetAsync("/widget/?project=west&project=west")));
        Assert.Equal("frame-ancestors 'none'", FrameAncestors(await anonymous.GetAsync("/widget/?Project=x&project=west")));
    }

    [Fact]
    public async Task NoPartnershipNoOfferAndAYesIsRefused()
    {
        using var admin = await App.SignedInClientAsync("admin", "Demo-Admin-1");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/projects/west", new { partners = Array.Empty<string>() })).StatusCode);
        App.Services.GetRequiredService<Chat.Server.Tenancy.ProjectDirectory>().Changed();
        await using var noor = await WestExpertAsync();
        await using var visitor = await App.VisitorAsync();
        var start = await visitor.StartAsync();
        Assert.Equal("closed", start.Status);
        Assert.Null(start.Overflow); // "default" names west, west does not name "default"
        await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync<StartChatResult>("AcceptOverflow", "west"));
        Assert.Equal(0, (await App.Queue.SummaryAsync()).Waiting);
    }

    [Fact]
    public async Task AWaitingVisitorIsAskedAfterTheProjectsOverflowTimeAndMovesOnlyWithAYes()
    {
        await using var sanne = await App.ExpertAsync(1, "paused"); // "default" open, nobody free
        await using var noor = await WestExpertAsync();
        await using var visitor = await App.VisitorAsync();
        Assert.Equal("queued", (await visitor.StartAsync()).Status);
        // Nothing offered, nothing to say yes to: a yes by hand is refused and the visitor stays where they were (it let
        // anyone move to a partner's shorter queue).
        await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync<StartChatResult>("AcceptOverflow", "west"));
        Assert.Equal(0, (await noor.Hub.InvokeAsync<QueueStatus>("GetQueueStatus")).Waiting);

        // Before "default"'s 60 seconds: no offer (a call after the sweep: any event sent before it has arrived).
        Clock.Advance(TimeSpan.FromSeconds(30));
        await App.Sweeper.SweepAsync();
        await visitor.Hub.InvokeAsync("Typing", false);
        Assert.Empty(visitor.Inbox.Drain("OverflowOffered"));
        Clock.Advance(TimeSpan.FromSeconds(31));
        await App.Sweeper.SweepAsync();
        var offer = await visitor.Inbox.Next("OverflowOffered");
        Assert.Equal("west", offer.GetProperty("project").GetString());
        Assert.Equal("Chat West-Brabant", offer.GetProperty("name").GetString());
        Assert.Equal(1, (await App.Queue.SummaryAsync()).Waiting); // asked, not moved

        var accepted = await visitor.Hub.InvokeAsync<StartChatResult>("AcceptOverflow", "west");
        Assert.NotEqual("refused", accepted.Status);
        var started = await visitor.Inbox.Next("ChatStarted");
        Assert.Equal("Noor", started.GetProperty("expert").GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task AClosedProjectsVisitorCannotSayYesToAPartnerWithNobodyFree()
    {
        await using var noor = await WestExpertAsync("paused"); // "west" open (Noor on shift), nobody free; "default" closed
        await using var visitor = await App.VisitorAsync();
        var start = await visitor.StartAsync();
        Assert.Equal("closed", start.Status);
        Assert.Null(start.Overflow);
        await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync<StartChatResult>("AcceptOverflow", "west"));
        Assert.Equal(0, (await noor.Hub.InvokeAsync<QueueStatus>("GetQueueStatus")).Waiting);
        Assert.Equal(0, (await App.Queue.SummaryAsync()).Waiting);
    }

    [Fact]
    public async Task ABlockHoldsInTheProjectOfTheExpertWhoMadeItAndForAYesToThatProject()
    {
        await using var sanne = await App.ExpertAsync(1, "paused"); // "default" open, nobody free
        await using var noor = await WestExpertAsync();
        await using (var pranker = await App.VisitorAsync())
        {
            Assert.Equal("active", (await pranker.StartAsync(new { project = "west" })).Status);
            var chat = (await noor.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
            await noor.Hub.InvokeAsync<JsonElement>("BlockVisitor", chat, "prank");
        }

        // West refuses the address; "default" still takes it (the same address may be a household or a shelter's Wi-Fi).
        await using var again = await App.VisitorAsync();
        var refused = await again.StartAsync(new { project = "west" });
        Assert.Equal(("refused", "blocked"), (refused.Status, refused.Reason));
        await using var visitor = await App.VisitorAsync();
        Assert.Equal("queued", (await visitor.StartAsync()).Status);

        // Asked after default's overflow time (Noor is free), the yes to west is refused: west's block applies from the yes.
        // The visitor keeps their place in "default".
        Clock.Advance(TimeSpan.FromSeconds(61));
        await App.Sweeper.SweepAsync();
        Assert.Equal("west", (await visitor.Inbox.Next("OverflowOffered")).GetProperty("project").GetString());
        await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync<StartChatResult>("AcceptOverflow", "west"));
        Assert.Equal(1, (await App.Queue.SummaryAsync()).Waiting);
        Assert.Equal(0, (await noor.Hub.InvokeAsync<QueueStatus>("GetQueueStatus")).Waiting);
    }

    [Fact]
    public async Task ABlockTakesBackAYesToThatProjectButLeavesTheVisitorsPlaceInTheirOwn()
    {
        await using var sanne = await App.ExpertAsync(1, "paused"); // "default" open, nobody free
        await using var noor = await WestExpertAsync();
        // The same address waits in "default", is offered west while Noor is free, and says yes once Noor is busy.
        await using var waiting = await App.VisitorAsync();
        Assert.Equal("queued", (await waiting.StartAsync()).Status);
        Clock.Advance(TimeSpan.FromSeconds(61));
        await App.Sweeper.SweepAsync();
        Assert.Equal("west", (await waiting.Inbox.Next("OverflowOffered")).GetProperty("project").GetString());
        await using var pranker = await App.VisitorAsync();
        Assert.Equal("active", (await pranker.StartAsync(new { project = "west" })).Status);
        var chat = (await noor.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        Assert.NotEqual("refused", (await waiting.Hub.InvokeAsync<StartChatResult>("AcceptOverflow", "west")).Status);

        await noor.Hub.InvokeAsync<JsonElement>("BlockVisitor", chat, "prank");
        // Still waiting in "default" (no end), no longer for west: Noor, free again, does not get them.
        await waiting.Hub.InvokeAsync("Typing", false); // a call after the block: any event sent before it has arrived
        Assert.Empty(waiting.Inbox.Drain("ChatEnded"));
        Assert.Equal(1, (await App.Queue.SummaryAsync()).Waiting);
        Assert.Equal(0, (await noor.Hub.InvokeAsync<QueueStatus>("GetQueueStatus")).Waiting);
        Assert.Empty(noor.Inbox.Drain("ChatAssigned"));
    }

    [Fact]
    public async Task AVisitorInDangerIsOfferedAPartnerAtOnce()
    {
        await using var sanne = await App.ExpertAsync(1, "paused");
        await using var noor = await WestExpertAsync();
        await using var visitor = await App.VisitorAsync();
        Assert.Equal("queued", (await visitor.StartAsync(new { inDanger = true })).Status);
        await App.Sweeper.SweepAsync();
        var offer = await visitor.Inbox.Next("OverflowOffered");
        Assert.Equal("west", offer.GetProperty("project").GetString());
    }
}

public sealed class EmbeddedProjectsTests : ProjectsTests
{
    protected override Dictionary<string, string?> Mode() => new();
}

[Collection(RedisCollection.Name)]
public sealed class RedisProjectsTests(RedisServer redis) : ProjectsTests
{
    protected override Dictionary<string, string?> Mode() => new()
    {
        ["ConnectionStrings:Redis"] = redis.ConnectionString,
        ["Redis:KeyPrefix"] = $"t{Guid.NewGuid():n}:",
    };
}
