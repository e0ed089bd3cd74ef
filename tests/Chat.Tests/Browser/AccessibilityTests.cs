using System.Net.Http.Json;
using Chat.Tests.Infrastructure;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// Every page and state this project shows, at a desktop (1280x800) and a phone (390x844) size, checked with axe-core:
/// no serious or critical violation, and no moderate one of the kinds the last review found (landmarks, h1). The
/// widget goes through closed, start form, queued, chatting, ended (with and without the conversation), refused and
/// expert away; the console through offline, pause, available, an active chat, the contact form, a pending form and
/// the block dialog; then statistics, accounts, blocks, password and two-factor; the same at 200% zoom of a 1280x800
/// window. Screenshots of each go to artifacts/screenshots for people to look at.
/// </summary>
public sealed class AccessibilityTests(BrowserFixture f, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    // 640x400 at a device scale of 2 is a 1280x800 window at 200% zoom (WCAG's reflow: nothing lost, nothing wider).
    public static readonly TheoryData<int, int> Sizes = new() { { 1280, 800 }, { 390, 844 }, { ZoomedWidth, 400 } };
    private const int ZoomedWidth = 640;

    // Moderate rules that were found before and fixed: they must stay fixed.
    private static readonly string[] MustPass =
        ["landmark-one-main", "page-has-heading-one", "landmark-unique", "region", "landmark-no-duplicate-main", "empty-table-header"];

    private async Task CheckAsync(IPage page, string name, int width)
    {
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, $"a11y-{name}-{width}.png"), FullPage = true });
        var result = await page.RunAxe();
        foreach (var v in result.Violations)
            output.WriteLine($"{name} @{width}: {v.Impact} {v.Id}: {v.Help} ({v.Nodes.Length} nodes: {string.Join(" | ", v.Nodes.Take(3).Select(n => string.Join(",", n.Target)))})");
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical" || MustPass.Contains(v.Id)).ToList();
        Assert.True(bad.Count == 0, $"{name} @{width}: " + string.Join("; ", bad.Select(v => $"{v.Id} ({v.Nodes.Length})")));
        // Nothing wider than the window (a coordinator's long menu made the console 1474 px wide at 1280).
        var pageWidth = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(pageWidth <= width, $"{name} @{width}: the page is {pageWidth} px wide");
    }

    private async Task<IPage> PageAsync(int width, int height)
    {
        var phone = width < 600;
        var ctx = await f.Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height }, Locale = "nl-NL", IsMobile = phone, HasTouch = phone,
            DeviceScaleFactor = width == ZoomedWidth ? 2 : null,
        });
        var page = await ctx.NewPageAsync();
        page.Dialog += async (_, d) => await d.AcceptAsync();
        return page;
    }

    private async Task<IPage> ConsoleAsync(int width, int height)
    {
        var console = await PageAsync(width, height);
        await console.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(console, "coordinator", "Demo-Coordinator-1");
        await Expect(console.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToBeEnabledAsync();
        return console;
    }

    private static async Task SetAvailabilityAsync(IPage console, string name)
    {
        var radio = console.GetByRole(AriaRole.Radio, new() { Name = name });
        await radio.ClickAsync();
        await Expect(radio).ToHaveAttributeAsync("aria-checked", "true");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task EveryWidgetAndConsoleStateHasNoSeriousViolations(int width, int height)
    {
        var widget = await PageAsync(width, height);
        var console = await ConsoleAsync(width, height);
        await SetAvailabilityAsync(console, "Offline");

        // Nobody on shift: the widget is closed.
        await widget.GotoAsync(f.BaseUrl + "/widget/");
        await Expect(widget.GetByRole(AriaRole.Heading, new() { Name = "De chat is nu gesloten" })).ToBeVisibleAsync();
        await CheckAsync(widget, "widget-closed", width);
        await CheckAsync(console, "console-offline", width);

        // On shift but on a break: the start form, then waiting in the queue.
        await SetAvailabilityAsync(console, "Pauze");
        await CheckAsync(console, "console-paused", width);
        await widget.ReloadAsync();
        await Expect(widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" })).ToBeVisibleAsync();
        await CheckAsync(widget, "widget-start", width);
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(widget.GetByText("Je bent de volgende")).ToBeVisibleAsync();
        await CheckAsync(widget, "widget-queued", width);

        // Available: the chat starts; both sides with a few messages.
        await SetAvailabilityAsync(console, "Beschikbaar");
        await Expect(widget.GetByText("Je praat met")).ToBeVisibleAsync();
        await widget.GetByLabel("Je bericht").FillAsync("Ik weet niet waar ik moet beginnen.");
        await widget.GetByLabel("Je bericht").PressAsync("Enter");
        await Expect(console.Locator("li.msg.visitor")).ToHaveCountAsync(1);
        await console.Locator("#reply").FillAsync("Neem je tijd, ik lees mee.");
        await console.Locator("#reply").PressAsync("Enter");
        await Expect(widget.Locator("li.msg.expert")).ToHaveCountAsync(1);
        await CheckAsync(widget, "widget-chatting", width);
        // The conversation scrolls by keyboard in a running chat too (Firefox and Safari do not focus a scroll box themselves).
        await Expect(widget.Locator("#messages")).ToHaveAttributeAsync("tabindex", "0");
        await CheckAsync(console, "console-active-chat", width);
        // The canned replies' list ("/" in the box), the referral dialog, and the card in the widget.
        await console.Locator("#reply").PressSequentiallyAsync("/");
        await Expect(console.GetByRole(AriaRole.Listbox, new() { Name = "Standaardantwoorden" })).ToBeVisibleAsync();
        await CheckAsync(console, "console-reply-list", width);
        await console.Locator("#reply").PressAsync("Escape");
        await console.Locator("#reply").FillAsync("");
        await console.GetByRole(AriaRole.Button, new() { Name = "Verwijzen" }).ClickAsync();
        var refer = console.GetByRole(AriaRole.Dialog, new() { Name = "Verwijzen naar" });
        await Expect(refer).ToBeVisibleAsync();
        await CheckAsync(console, "console-referral-dialog", width);
        await refer.Locator(".referral-choice").Filter(new() { HasText = "Veilig Thuis" }).ClickAsync();
        await Expect(widget.Locator("li.msg.card")).ToHaveCountAsync(1);
        await CheckAsync(widget, "widget-referral-card", width);

        // The expert ends it: the conversation with the ended notice below it, then the ended screen; the contact form opens.
        await console.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" }).ClickAsync();
        await console.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" }).ClickAsync(); // the product's own dialog
        await Expect(widget.GetByRole(AriaRole.Heading, new() { Name = "Het gesprek is beëindigd" })).ToBeVisibleAsync();
        await CheckAsync(widget, "widget-ended-transcript", width);
        await widget.GetByRole(AriaRole.Button, new() { Name = "Gesprek sluiten" }).ClickAsync();
        await Expect(widget.Locator("li.msg")).ToHaveCountAsync(0);
        await CheckAsync(widget, "widget-ended", width);
        var form = console.GetByRole(AriaRole.Dialog, new() { Name = "Contactformulier na de chat" });
        await Expect(form).ToBeVisibleAsync();
        // The visitor started without answering anything: nothing on the form reads as an answer ("onbekend" included).
        await Expect(form.Locator("input[name=conversation]:checked, input[name=contactSeeker]:checked, input[name=safety]:checked")).ToHaveCountAsync(0);
        await CheckAsync(console, "console-contact-form", width);
        await form.GetByRole(AriaRole.Button, new() { Name = "Later invullen" }).ClickAsync();
        await Expect(console.GetByRole(AriaRole.Heading, new() { Name = "Nog in te vullen" })).ToBeVisibleAsync();
        await CheckAsync(console, "console-pending-form", width);

        // A new chat that the expert blocks (the dialog), after which a new start is refused.
        await widget.GetByRole(AriaRole.Button, new() { Name = "Nieuw gesprek" }).ClickAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(widget.GetByText("Je praat met")).ToBeVisibleAsync();
        await console.GetByRole(AriaRole.Button, new() { Name = "Blokkeren", Exact = true }).ClickAsync();
        var block = console.GetByRole(AriaRole.Dialog, new() { Name = "Contactzoeker blokkeren" });
        await block.GetByRole(AriaRole.Radio, new() { Name = "Nepgesprek of grap" }).CheckAsync();
        await CheckAsync(console, "console-block-dialog", width);
        await block.GetByRole(AriaRole.Button, new() { Name = "Blokkeren en beëindigen" }).ClickAsync();
        await Expect(widget.GetByRole(AriaRole.Heading, new() { Name = "Het gesprek is beëindigd" })).ToBeVisibleAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Nieuw gesprek" }).ClickAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(widget.GetByRole(AriaRole.Heading, new() { Name = "Het lukt nu niet om een nieuw gesprek te starten" })).ToBeVisibleAsync();
        await CheckAsync(widget, "widget-refused", width);
        await LiftBlocksAsync();

        // The expert's connection drops during a chat.
        await widget.GetByRole(AriaRole.Button, new() { Name = "Probeer opnieuw" }).ClickAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(widget.GetByText("Je praat met")).ToBeVisibleAsync();
        await Expect(console.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" })).ToBeVisibleAsync();
        await console.Context.CloseAsync();
        await Expect(widget.GetByText("De verbinding met de ervaringsdeskundige is even weg.")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await CheckAsync(widget, "widget-expert-away", width);
        await widget.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" }).ClickAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" }).ClickAsync(); // the product's own dialog
        await Expect(widget.GetByRole(AriaRole.Heading, new() { Name = "Het gesprek is beëindigd" })).ToBeVisibleAsync();

        // The coordinator's pages.
        console = await ConsoleAsync(width, height);
        await SetAvailabilityAsync(console, "Offline");
        await console.GotoAsync(f.BaseUrl + "/console/statistics");
        await Expect(console.GetByRole(AriaRole.Heading, new() { Name = "Belasting per ervaringsdeskundige" })).ToBeVisibleAsync();
        await CheckAsync(console, "statistics", width);
        await console.GotoAsync(f.BaseUrl + "/console/accounts");
        await Expect(console.GetByRole(AriaRole.Rowheader, new() { Name = "expert1", Exact = true })).ToBeVisibleAsync();
        await CheckAsync(console, "accounts", width);
        foreach (var (path, heading) in new[] { ("/console/blocks", "Blokkades"), ("/console/replies", "Antwoorden en verwijzingen"), ("/console/password", "Wachtwoord wijzigen"), ("/console/two-factor", "Tweestapsverificatie") })
        {
            await console.GotoAsync(f.BaseUrl + path);
            await Expect(console.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
            await CheckAsync(console, path.Split('/').Last(), width);
        }
        await console.Context.CloseAsync();
        await widget.Context.CloseAsync();
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task TheSignInPageHasNoSeriousViolations(int width, int height)
    {
        var page = await PageAsync(width, height);
        await page.GotoAsync(f.BaseUrl + "/console");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Inloggen" })).ToBeVisibleAsync();
        await CheckAsync(page, "console-login", width);
        await page.Context.CloseAsync();
    }

    private async Task LiftBlocksAsync()
    {
        var coordinator = await f.App.CoordinatorClientAsync();
        var blocks = await coordinator.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/blocks");
        foreach (var b in blocks.EnumerateArray())
            (await coordinator.DeleteJsonAsync($"/api/blocks/{b.GetProperty("id").GetString()}")).EnsureSuccessStatusCode();
    }
}
