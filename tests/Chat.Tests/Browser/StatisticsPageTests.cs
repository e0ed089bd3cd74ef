using Chat.Server.ContactForms;
using Chat.Server.Storage;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>The coordinator's statistics page on a generated week of forms; screenshots for people to judge.</summary>
public sealed class StatisticsPageTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDir, name + ".png");

    private Task SeedAsync() => SeedAsync(f);

    /// <summary>A generated quarter of contact forms by two experts (once per server).</summary>
    internal static async Task SeedAsync(BrowserFixture f)
    {
        using var scope = f.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        if (db.ContactForms.Any()) return;
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Chat.Server.Accounts.ChatUser>>();
        var ids = new[] { (await users.FindByNameAsync("expert1"))!.Id, (await users.FindByNameAsync("expert2"))!.Id };
        var rnd = new Random(47);
        var now = DateTimeOffset.UtcNow;
        var seekers = new[] { "victim", "victim", "victim", "perpetrator", "perpetrator", "parent-of-victim", "professional", "unknown" };
        var types = new[] { "phone", "phone", "phone", "whatsapp", "website-chat", "face-to-face" };
        for (var i = 0; i < 120; i++)
        {
            var at = now.AddHours(-rnd.Next(0, 24 * 90));
            at = new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, 0, 0, TimeSpan.Zero);
            var support = rnd.Next(3) == 0 ? new[] { "listening-ear", "advice-personal-action", "advice-professional-help" } : ["listening-ear", "advice-personal-action"];
            db.ContactForms.Add(new ContactForm
            {
                Id = $"seed{i:D4}", ExpertId = ids[i % 2], OccurredAt = at, DurationMinutes = rnd.Next(5, 90),
                Conversation = rnd.Next(2) == 0 ? "first" : "follow-up", ContactType = types[rnd.Next(types.Length)],
                ContactSeeker = seekers[rnd.Next(seekers.Length)],
                ReferralSources = ContactCodes.ReferralSources.Mask([rnd.Next(2) == 0 ? "professional" : "flyer-victims"]),
                Support = ContactCodes.Support.Mask(support),
                ProfessionalHelp = support.Length == 3 ? ContactCodes.ProfessionalHelp.Mask(["mental-health"]) : 0,
                Safety = rnd.Next(6) == 0 ? "concern" : "none", CreatedAt = at,
            });
        }
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task CoordinatorSeesTheWeeklyTablesTrendHeatMapAndWorkload()
    {
        await SeedAsync();
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 }, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/console/login?ReturnUrl=/console/statistics");
        await BrowserFixture.SignInAsync(page, "coordinator", "Demo-Coordinator-1");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Contactzoeker" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Verloop over 12 weken" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Belasting per ervaringsdeskundige" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Download CSV (Excel)" })).ToHaveAttributeAsync("href",
            new System.Text.RegularExpressions.Regex(@"/api/statistics/export\.csv\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}"));
        await page.ScreenshotAsync(new() { Path = Shot("statistics-week"), FullPage = true });

        await page.GetByRole(AriaRole.Tab, new() { Name = "Kwartaal" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Kwartaal" })).ToHaveAttributeAsync("aria-selected", "true");
        await Expect(page.Locator(".card-value").First).Not.ToHaveTextAsync("0");
        await page.ScreenshotAsync(new() { Path = Shot("statistics-quarter"), FullPage = true });
        await page.GotoAsync(f.BaseUrl + "/console/accounts");
        await Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = "expert2", Exact = true })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("console-accounts"), FullPage = true });
        await page.GoBackAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Contactzoeker" })).ToBeVisibleAsync();
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Afdrukken" })).ToBeHiddenAsync();
        await page.ScreenshotAsync(new() { Path = Shot("statistics-print"), FullPage = true });
        await ctx.CloseAsync();
    }

    [Fact]
    public async Task ExpertsCannotOpenTheStatisticsPage()
    {
        var ctx = await f.Browser.NewContextAsync();
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/console/login");
        await BrowserFixture.SignInAsync(page, "expert1", "Demo-Expert-1");
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Statistieken" })).ToHaveCountAsync(0);
        await page.GotoAsync(f.BaseUrl + "/console/statistics");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console(\\?|$)"));
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToBeVisibleAsync();
        await ctx.CloseAsync();
    }
}
