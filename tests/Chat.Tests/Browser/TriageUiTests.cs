using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// Triage as people see it: "Ben je nu in gevaar? Ja" shows 112 as a tap-to-call button at once, visible without
/// scrolling on a phone and a desktop; waiting, the chat's head keeps it; the expert sees why this visitor went first.
/// </summary>
public sealed class TriageUiTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDir, name + ".png");

    private static async Task AxeCleanAsync(IPage page, string name)
    {
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"{name}: " + string.Join("; ", bad.Select(v => $"{v.Id} ({v.Nodes.Length})")));
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    public async Task SayingYesShows112AtOnceAndTheExpertSeesWhyThisVisitorWentFirst(int width, int height)
    {
        var expertCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        var expert = await expertCtx.NewPageAsync();
        await expert.GotoAsync(f.BaseUrl + "/console/login?ReturnUrl=/console");
        // One expert a case (the other case's expert is in the pause after a chat).
        var (user, password, name) = width < 600 ? ("expert1", "Demo-Expert-1", "Sanne") : ("expert2", "Demo-Expert-2", "Ruben");
        await BrowserFixture.SignInAsync(expert, user, password);
        await expert.GetByRole(AriaRole.Radio, new() { Name = "Pauze" }).ClickAsync(); // on shift, takes nobody yet
        await Expect(expert.GetByRole(AriaRole.Radio, new() { Name = "Pauze" })).ToHaveAttributeAsync("aria-checked", "true");

        var phone = width < 600;
        var visitorCtx = await f.Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height }, Locale = "nl-NL", IsMobile = phone, HasTouch = phone,
        });
        var visitor = await visitorCtx.NewPageAsync();
        await visitor.GotoAsync(f.BaseUrl + "/widget/");
        var question = visitor.GetByRole(AriaRole.Group, new() { Name = "Ben je nu in gevaar?" });
        await Expect(question).ToBeVisibleAsync();
        // Nothing answered for the visitor, and no 112 button until they say yes.
        await Expect(question.GetByRole(AriaRole.Radio, new() { Name = "Ja" })).Not.ToBeCheckedAsync();
        await Expect(question.GetByRole(AriaRole.Radio, new() { Name = "Nee" })).Not.ToBeCheckedAsync();
        var call = visitor.GetByRole(AriaRole.Link, new() { Name = "Bel 112" });
        await Expect(call).ToHaveCountAsync(0);

        await question.GetByRole(AriaRole.Radio, new() { Name = "Ja" }).CheckAsync();
        await Expect(call).ToBeVisibleAsync();
        await Expect(call).ToHaveAttributeAsync("href", "tel:112");
        await Expect(call).ToBeInViewportAsync(); // no scrolling needed
        await Expect(visitor.GetByText("Je kunt ook hier blijven: we helpen jou als eerste.", new() { Exact = false })).ToBeVisibleAsync();
        await visitor.ScreenshotAsync(new() { Path = Shot($"triage-widget-yes-{width}") });
        await AxeCleanAsync(visitor, "widget, in danger: yes");

        await visitor.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(visitor.Locator("#chat-head").GetByText("We helpen jou als eerste.", new() { Exact = false })).ToBeVisibleAsync();
        await Expect(visitor.Locator("#chat-head").GetByRole(AriaRole.Link, new() { Name = "Bel 112" })).ToHaveAttributeAsync("href", "tel:112");
        await visitor.ScreenshotAsync(new() { Path = Shot($"triage-widget-waiting-{width}") });
        await AxeCleanAsync(visitor, "widget, in danger, waiting");

        await expert.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" }).ClickAsync();
        await Expect(expert.GetByText("Mogelijk in gevaar: zelf aangegeven")).ToBeVisibleAsync();
        await Expect(visitor.GetByText($"Je praat met {name}", new() { Exact = false })).ToBeVisibleAsync();
        await expert.ScreenshotAsync(new() { Path = Shot($"triage-console-badge-{width}") });
        await AxeCleanAsync(expert, "console, urgent chat");

        // The expert ends the chat: the form has "acuut onveilig" ticked, which the expert may change.
        expert.Dialog += async (_, d) => await d.AcceptAsync();
        await expert.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" }).ClickAsync();
        await expert.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" }).ClickAsync(); // the product's own dialog
        var form = expert.GetByRole(AriaRole.Dialog, new() { Name = "Contactformulier na de chat" });
        await Expect(form).ToBeVisibleAsync();
        await Expect(form.GetByLabel("acuut onveilig", new() { Exact = false })).ToBeCheckedAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Later invullen" }).ClickAsync();
        await visitorCtx.CloseAsync();
        await expertCtx.CloseAsync();
    }}

/// <summary>
/// An urgent word while waiting, as people see it (a server of its own: every visitor here shares one address, and one
/// address holds one urgent chat at a time).
/// </summary>
public sealed class UrgentWordUiTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDir, name + ".png");

    [Fact]
    public async Task AnUrgentWordWhileWaitingShows112AndAPausedExpertTakesTheChatFromTheAlert()
    {
        var expertCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        var expert = await expertCtx.NewPageAsync();
        await expert.GotoAsync(f.BaseUrl + "/console/login?ReturnUrl=/console");
        await BrowserFixture.SignInAsync(expert, "coordinator", "Demo-Coordinator-1");
        await expert.GetByRole(AriaRole.Radio, new() { Name = "Pauze" }).ClickAsync();
        await Expect(expert.GetByRole(AriaRole.Radio, new() { Name = "Pauze" })).ToHaveAttributeAsync("aria-checked", "true");
        // The middle says so (not "Zet jezelf op beschikbaar om chats te krijgen", the offline text: the UI walk).
        await Expect(expert.Locator("#main .empty")).ToHaveTextAsync("Je staat op pauze: er komen geen nieuwe chats naar je toe. Zet jezelf op beschikbaar als je weer chats wilt krijgen.");

        var visitorCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, Locale = "nl-NL", IsMobile = true, HasTouch = true });
        var visitor = await visitorCtx.NewPageAsync();
        await visitor.GotoAsync(f.BaseUrl + "/widget/");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        var head = visitor.Locator("#chat-head");
        await Expect(head).ToContainTextAsync("plek");
        await Expect(head.GetByRole(AriaRole.Link, new() { Name = "Bel 112" })).ToHaveCountAsync(0);
        await visitor.GetByRole(AriaRole.Textbox).FillAsync("Hij komt eraan en ik ben bang");
        await visitor.Keyboard.PressAsync("Enter");
        // Put first, with 112 in the head; never told which word.
        await Expect(head.GetByRole(AriaRole.Link, new() { Name = "Bel 112" })).ToBeVisibleAsync();
        await Expect(head.GetByRole(AriaRole.Link, new() { Name = "Bel 112" })).ToBeInViewportAsync();
        await Expect(visitor.GetByText("signaalwoord", new() { Exact = false })).ToHaveCountAsync(0);
        await visitor.ScreenshotAsync(new() { Path = Shot("triage-widget-word-390") });

        // Every console on shift shows it: the alert (a polite live region), the title, and the choice to take it.
        var alert = expert.Locator(".danger-waiting");
        await Expect(alert).ToContainTextAsync("Iemand die mogelijk in gevaar is, wacht");
        await Expect(expert).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("In gevaar wacht"));
        await Expect(alert.GetByRole(AriaRole.Checkbox, new() { Name = "Geluid als iemand in gevaar wacht" })).ToBeCheckedAsync();
        await expert.ScreenshotAsync(new() { Path = Shot("triage-console-alert-1280") });
        var axe = await expert.RunAxe();
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => v.Id));
        // By keyboard: the button keeps its focus while the queue is published again (another visitor comes).
        var take = alert.GetByRole(AriaRole.Button, new() { Name = "Neem dit gesprek nu aan" });
        await take.FocusAsync();
        var otherCtx = await f.Browser.NewContextAsync(new() { Locale = "nl-NL" });
        var other = await otherCtx.NewPageAsync();
        await other.GotoAsync(f.BaseUrl + "/widget/");
        await other.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(expert.Locator(".queue-summary")).ToContainTextAsync("2 mensen wachten");
        await Expect(take).ToBeFocusedAsync();
        await expert.Keyboard.PressAsync("Enter");
        await Expect(expert.GetByText("Mogelijk in gevaar: signaalwoord")).ToBeVisibleAsync();
        await Expect(expert.Locator(".danger-waiting")).ToBeHiddenAsync();
        await Expect(expert).Not.ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("In gevaar wacht"));
        await Expect(visitor.GetByText("Je praat met", new() { Exact = false })).ToBeVisibleAsync();
        // Still paused: the choice was for this chat only.
        await Expect(expert.GetByRole(AriaRole.Radio, new() { Name = "Pauze" })).ToHaveAttributeAsync("aria-checked", "true");
        await otherCtx.CloseAsync();
        await visitorCtx.CloseAsync();
        await expertCtx.CloseAsync();
    }
}

/// <summary>The coordinator's urgent words and the waits per tier, as the coordinator sees them.</summary>
public sealed class TriageWordsUiTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task TheCoordinatorEditsTheUrgentWordsAndReadsTheWaitsPerTier(int width, int height)
    {
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/console/login?ReturnUrl=/console/triage");
        await BrowserFixture.SignInAsync(page, "coordinator", "Demo-Coordinator-1");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Signaalwoorden", Level = 1 })).ToBeVisibleAsync();
        var dutch = page.GetByRole(AriaRole.Textbox, new() { Name = "Signaalwoorden: Nederlands" });
        await Expect(dutch).ToBeVisibleAsync();
        await Expect(dutch).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("hij komt eraan"));
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Signaalwoorden: Engels" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, $"triage-words-{width}.png"), FullPage = false });
        var axe = await page.RunAxe();
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => v.Id));

        var words = (await dutch.InputValueAsync()) + "\nkapstok " + width;
        await dutch.FillAsync(words);
        await page.GetByRole(AriaRole.Region, new() { Name = "Nederlands" }).GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "De lijst is opgeslagen" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Aangepast op", new() { Exact = false }).First).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Signaalwoorden: Nederlands" })).ToHaveValueAsync(new System.Text.RegularExpressions.Regex($"kapstok {width}"));

        await page.GotoAsync(f.BaseUrl + "/console/statistics");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Voorrang en wachttijd" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = "in gevaar (zelf aangegeven of signaalwoord)" })).ToBeVisibleAsync();
        await ctx.CloseAsync();
    }
}

/// <summary>While the chat is closed: 112 and Veilig Thuis first, visible without scrolling, before the opening hours.</summary>
public sealed class ClosedTriageUiTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    public async Task TheClosedScreenShows112AndVeiligThuisFirst(int width, int height)
    {
        var phone = width < 600;
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = "nl-NL", IsMobile = phone, HasTouch = phone });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/widget/");
        var closed = page.Locator("#screen-closed");
        await Expect(closed).ToBeVisibleAsync();
        var links = closed.Locator("#closed-phones a");
        await Expect(links).ToHaveCountAsync(2);
        await Expect(links.Nth(0)).ToHaveAttributeAsync("href", "tel:112");
        await Expect(links.Nth(1)).ToHaveAttributeAsync("href", "tel:08002000");
        await Expect(links.Nth(0)).ToBeInViewportAsync();
        await Expect(links.Nth(1)).ToBeInViewportAsync();
        // Before the opening hours.
        var phonesTop = (await closed.Locator("#closed-phones").BoundingBoxAsync())!.Y;
        var hoursTop = (await closed.Locator("#opening-hours").BoundingBoxAsync())?.Y ?? float.MaxValue;
        Assert.True(phonesTop < hoursTop);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, $"triage-widget-closed-{width}.png") });
        var axe = await page.RunAxe();
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => v.Id));
        await ctx.CloseAsync();
    }
}
