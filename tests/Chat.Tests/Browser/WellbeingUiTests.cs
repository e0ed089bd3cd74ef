using Chat.Tests.Attacks;
using Chat.Tests.Infrastructure;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>A server with the real pause after each chat (the test default is none).</summary>
public sealed class CoolDownBrowserFixture() : BrowserFixture(new() { ["Chat:CoolDown"] = "00:02:00" });

/// <summary>
/// Issue 11 in Chromium: the pause after a chat and "Ik ben er klaar voor", "Dit gesprek was zwaar" and the coordinator's
/// list, why a waiting visitor is not yours, the widget's gender choice and its one feedback question (answered with the
/// keyboard) that the statistics page then counts. Each state is checked with axe-core (no serious or critical
/// violation) and photographed at 1280x800 and 390x844. The tests share one server and close their consoles at the end,
/// so that an expert of one test is never on shift in another.
/// </summary>
public sealed class WellbeingUiTests(CoolDownBrowserFixture f, ITestOutputHelper output) : IClassFixture<CoolDownBrowserFixture>
{
    private static readonly (int Width, int Height)[] Sizes = [(1280, 800), (390, 844)];

    /// <summary>Screenshots of the state at both sizes, and axe at each: no serious or critical violation.</summary>
    private async Task CheckAsync(IPage page, string name)
    {
        var original = page.ViewportSize!;
        foreach (var (width, height) in Sizes)
        {
            await page.SetViewportSizeAsync(width, height);
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, $"wellbeing-{name}-{width}.png"), FullPage = true });
            var result = await page.RunAxe();
            foreach (var v in result.Violations)
                output.WriteLine($"{name} @{width}: {v.Impact} {v.Id}: {v.Help} ({string.Join(" | ", v.Nodes.Take(3).Select(n => string.Join(",", n.Target)))})");
            var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
            Assert.True(bad.Count == 0, $"{name} @{width}: " + string.Join("; ", bad.Select(v => $"{v.Id} ({v.Nodes.Length})")));
        }
        await page.SetViewportSizeAsync(original.Width, original.Height);
    }

    private async Task<IPage> ConsoleAsync(string user, string password, bool available = true)
    {
        var ctx = await f.Browser.NewContextAsync(new() { Locale = "nl-NL", ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await ctx.NewPageAsync();
        page.Dialog += async (_, d) => await d.AcceptAsync();
        await page.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(page, user, password);
        var radio = page.GetByRole(AriaRole.Radio, new() { Name = available ? "Beschikbaar" : "Offline" });
        await Expect(radio).ToBeEnabledAsync();
        if (available)
        {
            await radio.ClickAsync();
            await Expect(radio).ToHaveAttributeAsync("aria-checked", "true");
            // A pause left over from an earlier test on this server ends first.
            var ready = page.GetByRole(AriaRole.Button, new() { Name = "Ik ben er klaar voor" });
            if (await ready.IsVisibleAsync()) await ready.ClickAsync();
        }
        return page;
    }

    private Visitor NewVisitor() => new(AttackFixture.Hub(f.BaseUrl, "/hubs/visitor", address: null));

    [Fact]
    public async Task ThePauseAfterAChatShowsAndEndsEarlyAndAHeavyChatReachesTheCoordinatorsList()
    {
        var sanne = await ConsoleAsync("expert1", "Demo-Expert-1");
        await using var first = NewVisitor();
        await using var second = NewVisitor();
        await first.Hub.StartAsync();
        await second.Hub.StartAsync();
        await first.StartAsync(new { preferredGender = "woman" });
        await Expect(sanne.Locator("#reply")).ToBeVisibleAsync();
        await Expect(sanne.Locator(".visitor-info")).ToContainTextAsync("Liefst met");
        await Expect(sanne.Locator(".visitor-info")).ToContainTextAsync("een vrouw");

        // "Dit gesprek was zwaar" in the open chat: a calm confirmation instead of the button.
        await sanne.GetByRole(AriaRole.Button, new() { Name = "Dit gesprek was zwaar" }).ClickAsync();
        await Expect(sanne.Locator(".chat-actions .heavy-asked")).ToContainTextAsync("De coördinator weet het");

        // The expert ends it: the contact form (later), and the pause with its end time.
        await sanne.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" }).ClickAsync();
        await sanne.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" }).ClickAsync(); // the product's own dialog
        var form = sanne.GetByRole(AriaRole.Dialog, new() { Name = "Contactformulier na de chat" });
        await form.GetByRole(AriaRole.Button, new() { Name = "Later invullen" }).ClickAsync();
        var pause = sanne.Locator(".cool-down");
        await Expect(pause).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Even op adem komen — je krijgt tot \d\d:\d\d geen nieuw gesprek"));
        // The ended chat still offers the form, and says the heavy chat was passed on.
        await Expect(sanne.Locator(".chat-actions").GetByRole(AriaRole.Button, new() { Name = "Formulier invullen" })).ToBeVisibleAsync();

        // A new visitor waits: the queue says why it is not Sanne's.
        await second.StartAsync();
        await Expect(sanne.Locator(".queue-summary")).ToContainTextAsync("1 persoon wacht");
        await Expect(sanne.Locator(".queue-summary .why-not")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"je komt even op adem, tot \d\d:\d\d"));
        await CheckAsync(sanne, "console-cool-down");

        // "Ik ben er klaar voor": the pause ends and the waiting visitor arrives.
        await sanne.GetByRole(AriaRole.Button, new() { Name = "Ik ben er klaar voor" }).ClickAsync();
        await Expect(pause).ToBeHiddenAsync();
        await Expect(sanne.Locator(".chat-item")).ToHaveCountAsync(2);
        await Expect(sanne.Locator("#reply")).ToBeEnabledAsync();
        await Expect(sanne.Locator(".queue-summary")).ToContainTextAsync("Niemand wacht");

        // The coordinator's list: who asked and when (to the hour), nothing of the chat; "Afgehandeld" removes it.
        var coordinator = await ConsoleAsync("coordinator", "Demo-Coordinator-1", available: false);
        var list = coordinator.Locator(".debriefs");
        await Expect(list.GetByRole(AriaRole.Heading, new() { Name = "Na te bespreken" })).ToBeVisibleAsync();
        await Expect(list.Locator("li")).ToHaveCountAsync(1);
        await Expect(list.Locator("li")).ToContainTextAsync("Sanne");
        await Expect(list.Locator("li")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"tussen \d\d:00 en \d\d:00"));
        await CheckAsync(coordinator, "coordinator-debriefs");
        await list.GetByRole(AriaRole.Button, new() { Name = "Afgehandeld" }).ClickAsync();
        await Expect(list.Locator("li")).ToHaveCountAsync(0);
        await Expect(list).ToContainTextAsync("Niemand heeft gevraagd om na te praten.");

        await second.Hub.InvokeAsync("LeaveChat");
        await sanne.Context.CloseAsync();
        await coordinator.Context.CloseAsync();
    }

    [Fact]
    public async Task TheQueueSaysAVisitorWaitsForAManWhileOnlySanneIsOnShift()
    {
        var sanne = await ConsoleAsync("expert1", "Demo-Expert-1");
        var ctx = await f.Browser.NewContextAsync(new() { Locale = "nl-NL", ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var widget = await ctx.NewPageAsync();
        widget.Dialog += async (_, d) => await d.AcceptAsync();
        await widget.GotoAsync(f.BaseUrl + "/widget/");
        await widget.GetByText("Wil je iets over jezelf vertellen").ClickAsync(); // the questions are folded
        var gender = widget.GetByRole(AriaRole.Group, new() { Name = "Liever een vrouw of een man?" });
        await Expect(gender.GetByRole(AriaRole.Radio, new() { Name = "Maakt niet uit" })).ToBeCheckedAsync();
        await gender.GetByRole(AriaRole.Radio, new() { Name = "Een man" }).CheckAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(widget.GetByText("Je bent de volgende in de wachtrij")).ToBeVisibleAsync();
        await widget.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "wellbeing-widget-waiting-for-a-man-390.png") });

        await Expect(sanne.Locator(".queue-summary")).ToContainTextAsync("1 persoon wacht");
        await Expect(sanne.Locator(".queue-summary .why-not")).ToContainTextAsync(
            new System.Text.RegularExpressions.Regex(@"Wacht op een man \(tot \d\d:\d\d, daarna iedereen\)\."));
        await CheckAsync(sanne, "console-why-not-yours");

        await widget.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" }).ClickAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" }).ClickAsync(); // the product's own dialog
        await Expect(sanne.Locator(".queue-summary")).ToContainTextAsync("Niemand wacht");
        await Expect(sanne.Locator(".queue-summary .why-not")).ToHaveCountAsync(0);
        await sanne.Context.CloseAsync();
        await ctx.CloseAsync();
    }

    [Fact]
    public async Task TheFeedbackQuestionAnsweredWithTheKeyboardCountsOnTheStatisticsPage()
    {
        var coordinator = await ConsoleAsync("coordinator", "Demo-Coordinator-1", available: false);
        await coordinator.GotoAsync(f.BaseUrl + "/console/statistics");
        var section = coordinator.Locator("section.feedback");
        await Expect(section.GetByRole(AriaRole.Heading, new() { Name = "Feedback van bezoekers" })).ToBeVisibleAsync();
        await Expect(section).ToContainTextAsync("Nog geen reacties in deze periode.");

        var ruben = await ConsoleAsync("expert2", "Demo-Expert-2");
        var ctx = await f.Browser.NewContextAsync(new() { Locale = "nl-NL", ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var widget = await ctx.NewPageAsync();
        widget.Dialog += async (_, d) => await d.AcceptAsync();
        await widget.GotoAsync(f.BaseUrl + "/widget/");
        await widget.GetByText("Wil je iets over jezelf vertellen").ClickAsync(); // the questions are folded
        await widget.GetByRole(AriaRole.Radio, new() { Name = "Een man" }).CheckAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(widget.GetByText("Je praat met")).ToBeVisibleAsync();
        await Expect(ruben.Locator(".visitor-info")).ToContainTextAsync("een man");
        await ruben.Locator("#reply").FillAsync("Fijn dat je er bent. Bel 112 als het niet veilig is.");
        await ruben.Locator("#reply").PressAsync("Enter");
        await Expect(widget.Locator("li.msg.expert")).ToHaveCountAsync(1);
        await ruben.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" }).ClickAsync();
        await ruben.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" }).ClickAsync(); // the product's own dialog

        // The ended notice (below the conversation) with the one optional question; focus is on its heading.
        await Expect(widget.GetByRole(AriaRole.Heading, new() { Name = "Het gesprek is beëindigd" })).ToBeFocusedAsync();
        var question = widget.GetByRole(AriaRole.Group, new() { Name = "Wil je iets over dit gesprek laten weten?" });
        await Expect(question).ToBeVisibleAsync();
        await CheckAsync(widget, "widget-feedback");

        // Keyboard only: Tab past "Nieuw gesprek" and "Gesprek sluiten" to the marks, arrows to 8, Tab to "geholpen?",
        // arrow to "Een beetje", Tab, Enter.
        string[] passed = [];
        for (var i = 0; i < 3; i++)
        {
            await widget.Keyboard.PressAsync("Tab");
            passed = [.. passed, await widget.EvaluateAsync<string>("() => document.activeElement?.name || document.activeElement?.textContent")];
        }
        Assert.Equal(["Nieuw gesprek", "Gesprek sluiten", "score"], passed);
        for (var i = 0; i < 7; i++) await widget.Keyboard.PressAsync("ArrowRight");
        await Expect(widget.GetByRole(AriaRole.Radio, new() { Name = "8", Exact = true })).ToBeCheckedAsync();
        await widget.Keyboard.PressAsync("Tab");
        Assert.Equal("helped", await widget.EvaluateAsync<string>("() => document.activeElement?.name"));
        await widget.Keyboard.PressAsync("ArrowRight");
        await Expect(widget.GetByRole(AriaRole.Radio, new() { Name = "Een beetje" })).ToBeCheckedAsync();
        await widget.Keyboard.PressAsync("Tab");
        await Expect(widget.GetByRole(AriaRole.Button, new() { Name = "Versturen" })).ToBeFocusedAsync();
        await widget.Keyboard.PressAsync("Enter");
        await Expect(widget.GetByText("Dank je wel voor je antwoord.")).ToBeFocusedAsync();
        await Expect(question).ToBeHiddenAsync();
        Assert.Equal(0, await widget.EvaluateAsync<int>("() => sessionStorage.length + localStorage.length"));
        await CheckAsync(widget, "widget-feedback-thanks");

        await coordinator.ReloadAsync();
        await Expect(section.Locator(".card").Filter(new() { HasText = "Reacties" }).Locator(".card-value")).ToHaveTextAsync("1");
        await Expect(section.Locator(".card").Filter(new() { HasText = "Gemiddeld rapportcijfer" }).Locator(".card-value")).ToHaveTextAsync("8,0");
        var somewhat = section.GetByRole(AriaRole.Row, new() { Name = "Een beetje" });
        await Expect(somewhat).ToContainTextAsync("1");
        await Expect(somewhat).ToContainTextAsync("100%");
        await section.ScrollIntoViewIfNeededAsync();
        await CheckAsync(coordinator, "statistics-feedback");

        await ruben.Context.CloseAsync();
        await coordinator.Context.CloseAsync();
        await ctx.CloseAsync();
    }
}
