using System.Text.Json;
using Chat.Server.Accounts;
using Chat.Server.Roster;
using Chat.Server.Storage;
using Deque.AxeCore.Playwright;
using Microsoft.AspNetCore.Identity;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>The roster page in the console and the widget's closed screen with the next opening; screenshots to judge.</summary>
public sealed class RosterUiTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDir, name + ".png");

    private static DateOnly TodayInAmsterdam() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Amsterdam).DateTime);

    /// <summary>axe-core on the page as it is: no serious or critical violation.</summary>
    internal static async Task AssertAccessibleAsync(IPage page, string name)
    {
        var bad = (await page.RunAxe()).Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"{name}: " + string.Join("; ", bad.Select(v => $"{v.Id} ({string.Join(" | ", v.Nodes.Take(3).Select(n => string.Join(",", n.Target)))})")));
    }

    internal static async Task AssertNoSidewaysScrollAsync(IPage page) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "the page scrolls sideways");

    [Fact]
    public async Task TheCoordinatorPlansAWeeklyShiftAndTheExpertSeesHerNextShifts()
    {
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/console/login?ReturnUrl=/console/roster");
        await BrowserFixture.SignInAsync(page, "coordinator", "Demo-Coordinator-1");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Rooster", Exact = true })).ToBeVisibleAsync();
        // An empty week reads as closed, every day.
        await Expect(page.Locator(".day.closed")).ToHaveCountAsync(7);

        // Next Monday onwards, so the shift and its copies are ahead whatever the time of day.
        var today = TodayInAmsterdam();
        var monday = today.AddDays(7 - ((int)today.DayOfWeek + 6) % 7);
        await page.GetByLabel("Ervaringsdeskundige").SelectOptionAsync(new SelectOptionValue { Label = "Sanne (expert1)" });
        await page.GetByLabel("Dag", new() { Exact = true }).FillAsync(monday.ToString("yyyy-MM-dd"));
        await page.GetByLabel("Van", new() { Exact = true }).FillAsync("19:00");
        await page.GetByLabel("Tot", new() { Exact = true }).FillAsync("22:00");
        await page.GetByLabel("Elke week herhalen, aantal weken erna").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Inplannen" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("De dienst is ingepland, en 3 weken erna.");
        var mondayColumn = page.Locator(".day").First;
        await Expect(mondayColumn).ToContainTextAsync("19:00–22:00");
        await Expect(mondayColumn).ToContainTextAsync("Sanne");
        await Expect(mondayColumn).ToContainTextAsync("Open 19:00–22:00");
        await Expect(page.Locator(".day.closed")).ToHaveCountAsync(6);

        // Ruben on the same evening: side by side with Sanne, the day's hours merged.
        await page.GetByLabel("Ervaringsdeskundige").SelectOptionAsync(new SelectOptionValue { Label = "Ruben (expert2)" });
        await page.GetByLabel("Elke week herhalen, aantal weken erna").FillAsync("0");
        await page.GetByLabel("Van", new() { Exact = true }).FillAsync("21:00");
        await page.GetByLabel("Tot", new() { Exact = true }).FillAsync("23:00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Inplannen" }).ClickAsync();
        await Expect(mondayColumn).ToContainTextAsync("Open 19:00–23:00");
        await Expect(mondayColumn.Locator(".shift")).ToHaveCountAsync(2);

        // An overlap with Sanne's own shift is refused and named at the field.
        await page.GetByLabel("Ervaringsdeskundige").SelectOptionAsync(new SelectOptionValue { Label = "Sanne (expert1)" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Inplannen" }).ClickAsync();
        await Expect(page.Locator("#r-day-error")).ToContainTextAsync("heeft dan al een dienst");
        await Expect(page.GetByLabel("Dag", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
        await page.ScreenshotAsync(new() { Path = Shot("roster-coordinator"), FullPage = true });
        await AssertAccessibleAsync(page, "roster (coordinator)");

        // Deleting one of the weekly copies, by keyboard, from the next week.
        await page.GetByRole(AriaRole.Button, new() { Name = "Volgende week" }).ClickAsync();
        await Expect(page.Locator(".day").First).Not.ToContainTextAsync("Ruben");
        await Expect(page.Locator(".week")).ToHaveAttributeAsync("aria-busy", "false");
        var remove = page.GetByRole(AriaRole.Button, new() { Name = "Verwijderen: dienst Sanne" });
        await remove.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Dienst verwijderen" });
        await Expect(dialog).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("roster-delete-dialog") });
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Annuleren" })).ToBeFocusedAsync();
        await AssertAccessibleAsync(page, "roster delete dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Alleen deze dienst" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("De dienst is verwijderd.");
        await Expect(page.Locator(".day.closed")).ToHaveCountAsync(7);

        await page.SetViewportSizeAsync(390, 844);
        await page.GetByRole(AriaRole.Button, new() { Name = "Vorige week" }).ClickAsync();
        await Expect(page.Locator(".day").First).ToContainTextAsync("Ruben");
        await AssertNoSidewaysScrollAsync(page);
        await page.ScreenshotAsync(new() { Path = Shot("roster-coordinator-390"), FullPage = true });
        await ctx.CloseAsync();

        // Sanne reads the roster without changing it, and her next shifts (three left of four).
        var expertCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, Locale = "nl-NL" });
        var expert = await expertCtx.NewPageAsync();
        await expert.GotoAsync(f.BaseUrl + "/console/login?ReturnUrl=/console/roster");
        await BrowserFixture.SignInAsync(expert, "expert1", "Demo-Expert-1");
        var mine = expert.GetByRole(AriaRole.Region, new() { Name = "Jouw volgende diensten" });
        await Expect(mine.Locator("li")).ToHaveCountAsync(3);
        await Expect(mine.Locator("li").First).ToContainTextAsync("19:00–22:00");
        await Expect(expert.GetByRole(AriaRole.Button, new() { Name = "Inplannen" })).ToHaveCountAsync(0);
        await Expect(expert.Locator("button.remove")).ToHaveCountAsync(0);
        await expert.GetByRole(AriaRole.Button, new() { Name = "Volgende week" }).ClickAsync();
        await Expect(expert.Locator(".day").First).ToContainTextAsync("Sanne (jij)");
        await AssertNoSidewaysScrollAsync(expert);
        await expert.ScreenshotAsync(new() { Path = Shot("roster-expert-390"), FullPage = true });
        await AssertAccessibleAsync(expert, "roster (expert, 390)");

        // The console links the roster for experts too.
        await expert.GotoAsync(f.BaseUrl + "/console");
        await expert.GetByRole(AriaRole.Button, new() { Name = "Menu" }).ClickAsync(); // folded away on a phone
        await Expect(expert.GetByRole(AriaRole.Link, new() { Name = "Rooster" })).ToHaveAttributeAsync("href", "/console/roster");
        await expertCtx.CloseAsync();
    }

    [Fact]
    public async Task TheCoordinatorEditsGenderAndLanguagesForRosterMatchingOnTheAccountsPage()
    {
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/console/login?ReturnUrl=/console/accounts");
        await BrowserFixture.SignInAsync(page, "coordinator", "Demo-Coordinator-1");
        // Languages are checkboxes (the widget's languages): no free text that could hold a wrong code.
        var langs1 = page.GetByRole(AriaRole.Group, new() { Name = "Talen van expert1" });
        await Expect(langs1.GetByRole(AriaRole.Checkbox, new() { Name = "Nederlands" })).ToBeCheckedAsync();
        await Expect(langs1.GetByRole(AriaRole.Checkbox, new() { Name = "Engels" })).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Gender (expert1)")).ToHaveValueAsync("woman");

        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "expert2", Exact = true }) });
        var langs2 = page.GetByRole(AriaRole.Group, new() { Name = "Talen van expert2" });
        var english = langs2.GetByRole(AriaRole.Checkbox, new() { Name = "Engels" });
        var wasEnglish = await english.IsCheckedAsync();
        await english.SetCheckedAsync(!wasEnglish);
        await page.GetByLabel("Gender (expert2)").SelectOptionAsync("other");
        await row.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Opgeslagen.");
        await page.ReloadAsync();
        var englishAfter = page.GetByRole(AriaRole.Group, new() { Name = "Talen van expert2" }).GetByRole(AriaRole.Checkbox, new() { Name = "Engels" });
        if (wasEnglish) await Expect(englishAfter).Not.ToBeCheckedAsync();
        else await Expect(englishAfter).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Gender (expert2)")).ToHaveValueAsync("other");
        await page.ScreenshotAsync(new() { Path = Shot("accounts-gender-languages"), FullPage = true });
        await ctx.CloseAsync();
    }
}

/// <summary>The widget's closed screen and the loader's launcher with the next opening (a server of their own).</summary>
public sealed class RosterWidgetUiTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDir, name + ".png");

    private static DateOnly TodayInAmsterdam() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Amsterdam).DateTime);

    private static DateTimeOffset LocalInstant(DateOnly day, int hour)
    {
        var local = day.ToDateTime(new TimeOnly(hour, 0));
        return new DateTimeOffset(local, Amsterdam.GetUtcOffset(local));
    }

    [Fact]
    public async Task TheClosedWidgetSaysWhenTheChatOpensNextAndShowsTheWeeksHours()
    {
        var tomorrow = TodayInAmsterdam().AddDays(1);
        using (var scope = f.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ChatUser>>();
            var sanne = (await users.FindByNameAsync("expert1"))!.Id;
            var ruben = (await users.FindByNameAsync("expert2"))!.Id;
            db.PlannedShifts.AddRange(
                new PlannedShift { ExpertId = sanne, Start = LocalInstant(tomorrow, 10), End = LocalInstant(tomorrow, 12) },
                new PlannedShift { ExpertId = ruben, Start = LocalInstant(tomorrow.AddDays(2), 19), End = LocalInstant(tomorrow.AddDays(2), 21) },
                new PlannedShift { ExpertId = sanne, Start = LocalInstant(tomorrow.AddDays(2), 20), End = LocalInstant(tomorrow.AddDays(2), 22) });
            await db.SaveChangesAsync();
        }
        f.App.Services.GetRequiredService<RosterCalendar>().Invalidate();

        foreach (var (w, hgt, suffix) in new[] { (1280, 800, "desktop"), (390, 844, "390") })
        {
            var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = w, Height = hgt }, Locale = "nl-NL" });
            var page = await ctx.NewPageAsync();
            await page.GotoAsync(f.BaseUrl + "/widget/");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "De chat is nu gesloten" })).ToBeVisibleAsync();
            await Expect(page.Locator("#next-opening")).ToHaveTextAsync("Je kunt weer chatten: Morgen vanaf 10:00");
            var days = page.Locator("#week-hours li");
            await Expect(days).ToHaveCountAsync(7);
            await Expect(days.Nth(0)).ToHaveTextAsync("Vandaag gesloten");
            await Expect(days.Nth(1)).ToHaveTextAsync("Morgen 10:00–12:00");
            await Expect(days.Nth(3)).ToContainTextAsync("19:00–22:00"); // Ruben and Sanne merged
            // The alternatives stay: 112 and Veilig Thuis as tap-to-call links.
            await Expect(page.Locator("#emergency a[href='tel:112']")).ToBeVisibleAsync();
            await Expect(page.Locator("#emergency a[href='tel:08002000']")).ToBeVisibleAsync();
            await RosterUiTests.AssertNoSidewaysScrollAsync(page);
            await page.ScreenshotAsync(new() { Path = Shot($"widget-closed-next-opening-{suffix}"), FullPage = true });
            await RosterUiTests.AssertAccessibleAsync(page, $"widget closed ({suffix})");
            if (suffix == "desktop")
            {
                await page.GetByRole(AriaRole.Button, new() { Name = "Switch to English" }).ClickAsync();
                await Expect(page.Locator("#next-opening")).ToHaveTextAsync("You can chat again: Tomorrow from 10:00");
                await Expect(page.Locator("#week-hours li").Nth(0)).ToHaveTextAsync("Today closed");
                await page.ScreenshotAsync(new() { Path = Shot("widget-closed-next-opening-en") });
            }
            await ctx.CloseAsync();
        }

        // The loader's launcher on the project's site says it as well.
        var demoCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, Locale = "nl-NL" });
        var demo = await demoCtx.NewPageAsync();
        await demo.GotoAsync(f.BaseUrl + "/demo");
        await Expect(demo.GetByRole(AriaRole.Button, new() { Name = "Chat nu gesloten. Weer open: morgen vanaf 10:00 (Gesloten)" })).ToBeVisibleAsync();
        await demo.ScreenshotAsync(new() { Path = Shot("widget-launcher-next-opening-390") });
        await demoCtx.CloseAsync();
    }

    [Fact]
    public async Task TheNextOpeningReadsInPlainWordsInAmsterdamTime()
    {
        var ctx = await f.Browser.NewContextAsync(new() { Locale = "en-US", TimezoneId = "America/New_York" });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/widget/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2 }).First).ToBeVisibleAsync();
        // (now, next opening, language) -> text; the device's own zone (New York here) plays no part.
        var cases = new (string Now, string Next, string Lang, string Expected)[]
        {
            ("2026-12-03T12:00:00Z", "2026-12-03T18:00:00Z", "nl", "Vanavond vanaf 19:00"),
            ("2026-12-03T12:00:00Z", "2026-12-03T13:00:00Z", "nl", "Vandaag vanaf 14:00"),
            ("2026-12-03T12:00:00Z", "2026-12-04T09:00:00Z", "nl", "Morgen vanaf 10:00"),
            ("2026-11-30T12:00:00Z", "2026-12-03T18:00:00Z", "nl", "Donderdag vanaf 19:00"),
            ("2026-12-03T12:00:00Z", "2026-12-10T18:00:00Z", "nl", "Donderdag 10 december vanaf 19:00"),
            ("2026-12-03T22:30:00Z", "2026-12-03T23:30:00Z", "nl", "Morgen vanaf 00:30"), // same UTC day, next day in Amsterdam
            ("2027-06-01T10:00:00Z", "2027-06-01T17:00:00Z", "nl", "Vanavond vanaf 19:00"), // summer time
            ("2026-12-03T12:00:00Z", "2026-12-03T18:00:00Z", "en", "Tonight from 19:00"),
            ("2026-11-30T12:00:00Z", "2026-12-03T18:00:00Z", "en", "Thursday from 19:00"),
            ("2026-12-03T12:00:00Z", "2026-12-04T09:00:00Z", "en", "Tomorrow from 10:00"),
        };
        var json = JsonSerializer.Serialize(cases.Select(c => new[] { c.Now, c.Next, c.Lang }));
        var seen = await page.EvaluateAsync<string[]>(
            "async () => { const m = await import('/widget/opening.js'); return " + json +
            ".map(([now, next, lang]) => m.nextOpeningText(next, new Date(now), lang)); }");
        Assert.Equal(cases.Select(c => c.Expected), seen);

        var week = await page.EvaluateAsync<string[]>(
            "async () => { const m = await import('/widget/opening.js'); " +
            "return m.weekHours([{ start: '2026-12-03T18:00:00Z', end: '2026-12-03T21:00:00Z' }, { start: '2026-12-05T09:00:00Z', end: '2026-12-05T11:00:00Z' }]," +
            " new Date('2026-12-03T12:00:00Z'), 'nl').map((d) => `${d.label} ${d.hours ?? d.closedText}`); }");
        Assert.Equal(["Vandaag 19:00–22:00", "Morgen gesloten", "Zaterdag 5 dec 10:00–12:00", "Zondag 6 dec gesloten", "Maandag 7 dec gesloten",
            "Dinsdag 8 dec gesloten", "Woensdag 9 dec gesloten"], week);
        await ctx.CloseAsync();
    }
}
