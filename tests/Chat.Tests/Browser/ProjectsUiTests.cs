using System.Net;
using System.Net.Http.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>A server with two partner projects: "default" (no one on shift here: closed) and "west" (Noor).</summary>
public sealed class ProjectsBrowserFixture() : BrowserFixture(new() { ["Abuse:SignInsPerMinute"] = "100" }), IAsyncLifetime
{
    public const string Password = Tenancy.SecondProject.Password;

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Tenancy.SecondProject.CreateAsync(App, "west", new { slug = "west", name = "Chat West-Brabant", partners = new[] { "default" } },
            new("expertwest", "Noor"), new("expertwest2", "Lotte"), new("expertwest3", "Iris"));
        using var admin = await App.SignedInClientAsync("admin", "Demo-Admin-1");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/projects/default", new { partners = new[] { "west" } })).StatusCode);
    }
}

/// <summary>
/// Overflow as people meet it: the visitor of a closed project reads 112 and Veilig Thuis first, then that someone at the
/// partner project is free; one yes and they chat with that project's expert, whose console says where they came from.
/// </summary>
public sealed class ProjectsUiTests(ProjectsBrowserFixture f) : IClassFixture<ProjectsBrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDir, name + ".png");

    private static async Task AxeCleanAsync(IPage page, string where)
    {
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}").ToList();
        Assert.True(serious.Count == 0, $"{where}: {string.Join("; ", serious)}");
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    [InlineData(640, 400)] // a 1280x800 window at 200% zoom
    public async Task AVisitorOfAClosedProjectSaysYesAndChatsWithThePartnersExpert(int width, int height)
    {
        var expertCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        var expert = await expertCtx.NewPageAsync();
        await expert.GotoAsync(f.BaseUrl + "/console/login?ReturnUrl=/console");
        var (user, name) = width switch { < 600 => ("expertwest", "Noor"), < 1000 => ("expertwest3", "Iris"), _ => ("expertwest2", "Lotte") }; // one free expert a case
        await BrowserFixture.SignInAsync(expert, user, ProjectsBrowserFixture.Password);
        await expert.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" }).ClickAsync();
        await Expect(expert.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToHaveAttributeAsync("aria-checked", "true");

        var phone = width < 600;
        var visitorCtx = await f.Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height }, Locale = "nl-NL", IsMobile = phone, HasTouch = phone,
            DeviceScaleFactor = width is > 600 and < 1000 ? 2 : 1,
        });
        var visitor = await visitorCtx.NewPageAsync();
        await visitor.GotoAsync(f.BaseUrl + "/widget/"); // the installation's own project, "default": nobody on shift
        var closed = visitor.Locator("#screen-closed");
        await Expect(closed).ToBeVisibleAsync();
        var offer = closed.Locator("#overflow-closed");
        await Expect(offer).ToContainTextAsync("Bij Chat West-Brabant is nu iemand vrij. Wil je daar verder? Je blijft anoniem.");
        // 112 and Veilig Thuis stay first; the offer follows them.
        var phonesTop = (await closed.Locator("#closed-phones").BoundingBoxAsync())!.Y;
        Assert.True(phonesTop < (await offer.BoundingBoxAsync())!.Y);
        await visitor.ScreenshotAsync(new() { Path = Shot($"projects-widget-offer-{width}") });
        await AxeCleanAsync(visitor, "widget, closed with an offer");

        await offer.GetByRole(AriaRole.Button, new() { Name = "Ja, daar verder" }).ClickAsync();
        await Expect(visitor.GetByText($"Je praat met {name}", new() { Exact = false })).ToBeVisibleAsync();
        await Expect(expert.GetByText("de contactzoeker koos ervoor hier verder te gaan", new() { Exact = false })).ToBeVisibleAsync();
        await visitor.ScreenshotAsync(new() { Path = Shot($"projects-widget-chat-{width}") });
        await expert.ScreenshotAsync(new() { Path = Shot($"projects-console-overflow-{width}") });
        await AxeCleanAsync(expert, "console, a chat from a partner project");
        await visitorCtx.CloseAsync();
        await expertCtx.CloseAsync();
    }

    [Fact]
    public async Task TheWidgetReadsItsProjectAsTheServerDoesForFraming()
    {
        var ctx = await f.Browser.NewContextAsync();
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/widget/");
        // The server's frame-ancestors (Hosting.cs): the name in any case, once; twice is nobody's project.
        var read = await page.EvaluateAsync<string[]>("""
            async () => {
              const { projectParam } = await import('/widget/overflow.js');
              return ['?project=west', '?Project=west', '?project=west&project=west', '?Project=x&project=west', '?project=West!', '']
                .map(q => projectParam(new URLSearchParams(q)));
            }
            """);
        Assert.Equal(["west", "west", "", "", "", ""], read);
        await ctx.CloseAsync();
    }

    [Fact]
    public async Task TheAdministratorKeepsTheProjectsAndTheirEmbedCode()
    {
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/console/login?ReturnUrl=/console");
        await BrowserFixture.SignInAsync(page, "admin", "Demo-Admin-1");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/projects$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Chat West-Brabant (west)" })).ToBeVisibleAsync();
        // The installation's own project is "default" inside; the Dutch page says "standaard" (the UI walk found it in English).
        await Expect(page.Locator("h2").Filter(new() { HasText = "(standaard)" })).ToHaveCountAsync(1);
        await Expect(page.Locator("h2").Filter(new() { HasText = "(default)" })).ToHaveCountAsync(0);
        await Expect(page.Locator("code.embed-code").Filter(new() { HasText = "data-project=\"west\"" })).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Shot("projects-console-admin-1280"), FullPage = true });
        await AxeCleanAsync(page, "console, projects");
        await ctx.CloseAsync();
    }

    [Fact]
    public async Task ACoordinatorOfBothProjectsReadsTheirFiguresSideBySideAndPicksOneForTheTablesAndTheCsv()
    {
        using (var admin = await f.App.SignedInClientAsync("admin", "Demo-Admin-1"))
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/accounts", new
            {
                userName = "coordboth", displayName = "Mira", experience = "victim", maxChats = 1, password = Infrastructure.ChatApp.AdministratorsFirstPassword,
                coordinator = true, projects = new[] { "default", "west" },
            })).StatusCode);
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/console/login?ReturnUrl=/console/statistics");
        await BrowserFixture.SignInAsync(page, "coordboth", Infrastructure.ChatApp.AdministratorsFirstPassword);

        // The administrator chose the first password: Mira chooses her own before anything else.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/password\\?returnUrl=%2Fconsole%2Fstatistics$"));
        await Expect(page.GetByText("Je eerste wachtwoord is gekozen door de beheerder")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("first-password-1280"), FullPage = true });
        await AxeCleanAsync(page, "console, first password");
        await page.GetByLabel("Huidig wachtwoord").FillAsync(Infrastructure.ChatApp.AdministratorsFirstPassword);
        await page.GetByLabel("Nieuw wachtwoord", new() { Exact = true }).FillAsync(Infrastructure.ChatApp.AdministratorsFirstPassword);
        await page.GetByLabel("Nieuw wachtwoord nog een keer").FillAsync(Infrastructure.ChatApp.AdministratorsFirstPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Wachtwoord wijzigen" }).ClickAsync();
        await Expect(page.GetByText("Kies een ander wachtwoord dan het eerste")).ToBeVisibleAsync();
        await page.GetByLabel("Nieuw wachtwoord", new() { Exact = true }).FillAsync(ProjectsBrowserFixture.Password);
        await page.GetByLabel("Nieuw wachtwoord nog een keer").FillAsync(ProjectsBrowserFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Wachtwoord wijzigen" }).ClickAsync();
        await Expect(page.GetByText("Je wachtwoord is gewijzigd.")).ToBeVisibleAsync();
        await Expect(page.GetByText("Je eerste wachtwoord is gekozen door de beheerder")).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Verder" }).ClickAsync(); // on to the page first asked for
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/statistics$"));
        var side = page.GetByRole(AriaRole.Region, new() { Name = "Per project naast elkaar (schuift opzij op een smal scherm)" });
        await Expect(side).ToBeVisibleAsync();
        await Expect(side.GetByRole(AriaRole.Columnheader, new() { Name = "Chat West-Brabant" })).ToBeVisibleAsync();
        await Expect(side.GetByRole(AriaRole.Rowheader, new() { Name = "Chatverzoeken" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("projects-statistics-side-by-side-1280"), FullPage = true });
        await AxeCleanAsync(page, "statistics, side by side");

        // One project picked: its own tables, no side-by-side table, the CSV for that project only.
        await page.GetByLabel("Project", new() { Exact = true }).SelectOptionAsync("west");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Per project naast elkaar" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download CSV (Excel)" })).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("project=west"));
        await page.SetViewportSizeAsync(390, 844);
        await page.GetByLabel("Project", new() { Exact = true }).SelectOptionAsync("");
        await Expect(side).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 390"), "the page is wider than the phone");
        await page.ScreenshotAsync(new() { Path = Shot("projects-statistics-side-by-side-390"), FullPage = true });
        await ctx.CloseAsync();
    }
}
