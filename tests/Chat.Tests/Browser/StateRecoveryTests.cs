using System.Text.RegularExpressions;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// A state event (ChatAssigned, ChatEnded, ChatStarted) that never reached the browser: its connection died with the
/// event on it. The browser reconnects by itself and still ends where the event would have taken it: the console reads
/// its state (GetState), the widget its chat (Resume). A real server process; the browser's hub WebSocket runs through
/// a <see cref="HubLine"/>, which loses what the server sends and is then cut.
/// </summary>
public sealed class StateRecoveryTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));
    private ServerProcess _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _server = await ServerProcess.StartAsync(ServerProcess.OwnData(_dir));
        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        _browser = await BrowserFixture.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { /* best effort */ }
    }

    [Fact]
    public async Task AChatAssignedWhileTheConsolesConnectionWasDyingIsAnnouncedAndShownWhenItIsBack()
    {
        var (console, line) = await ConsoleAsync();
        // The console's tab is in the background: a new chat must make itself known in the title.
        await console.EvaluateAsync("() => { Object.defineProperty(document, 'hidden', { configurable: true, get: () => true }); document.dispatchEvent(new Event('visibilitychange')); }");
        line.Lose();
        var (widget, _) = await WidgetAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(widget.GetByText("Je praat met Sanne, ervaringsdeskundige.")).ToBeVisibleAsync();
        await line.LostAsync("ChatAssigned");
        await widget.GetByLabel("Je bericht").FillAsync("Hallo, is daar iemand?");
        await widget.GetByLabel("Je bericht").PressAsync("Enter");
        await line.LostAsync("MessageReceived");
        await Expect(console.Locator("button.chat-item")).ToHaveCountAsync(0);

        await line.CutAsync();
        await Expect(console.Locator("button.chat-item")).ToHaveCountAsync(1);
        await Expect(console.Locator("li.msg.visitor")).ToHaveTextAsync(new Regex("is daar iemand"));
        await Expect(console).ToHaveTitleAsync(new Regex(@"^\(1\) Nieuwe chat"));
        // Nothing on screen says it is still reconnecting: not the banner, not a toast of a call that failed meanwhile.
        await Expect(console.Locator(":is(.conn, .toast):visible", new() { HasText = "Verbinding herstellen…" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AChatThatEndedWhileTheConsolesConnectionWasDyingShowsEndedWithItsContactFormWhenItIsBack()
    {
        var (console, line) = await ConsoleAsync();
        var (widget, _) = await WidgetAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await widget.GetByLabel("Je bericht").FillAsync("Ik wil even iets kwijt.");
        await widget.GetByLabel("Je bericht").PressAsync("Enter");
        await Expect(console.Locator("li.msg.visitor")).ToHaveTextAsync(new Regex("iets kwijt"));

        line.Lose();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" }).ClickAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" }).ClickAsync(); // the product's own dialog
        await Expect(widget.GetByRole(AriaRole.Heading, new() { Name = "Het gesprek is beëindigd" })).ToBeVisibleAsync();
        await line.LostAsync("ChatEnded");
        await Expect(console.Locator("button.chat-item.ended")).ToHaveCountAsync(0);

        await line.CutAsync();
        var form = console.GetByRole(AriaRole.Dialog, new() { Name = "Contactformulier na de chat" });
        await Expect(form).ToBeVisibleAsync();
        await Expect(console.Locator("button.chat-item.ended")).ToHaveCountAsync(1);
        await Expect(console.Locator(".workspace .notice")).ToHaveTextAsync("Het gesprek is beëindigd.");
        await console.ScreenshotAsync(new() { Path = Visit.Shot("console-recovered-ended-chat") });
    }

    [Fact]
    public async Task AWidgetThatMissedTheStartOfItsChatShowsTheExpertAndTheirFirstWordsWhenItIsBack()
    {
        await using var expert = await _server.ExpertAsync(1, "paused"); // on shift, but no new chat yet: the visitor waits
        var (widget, line) = await WidgetAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        var waiting = widget.GetByText("Je bent de volgende in de wachtrij.");
        await Expect(waiting).ToBeVisibleAsync();

        line.Lose();
        await expert.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await expert.SendAsync(conversationId, "e1", "Hoi, ik ben Sanne. Fijn dat je er bent.");
        await line.LostAsync("ChatStarted");
        await line.LostAsync("MessageReceived");
        await Expect(waiting).ToBeVisibleAsync();

        await line.CutAsync();
        await Expect(widget.GetByText("Je praat met Sanne, ervaringsdeskundige.")).ToBeVisibleAsync();
        var messages = widget.Locator("#messages li.msg");
        await Expect(messages).ToHaveCountAsync(2);
        await Expect(messages.Nth(0)).ToHaveTextAsync(new Regex("Sanne is er nu voor je"));
        await Expect(messages.Nth(1)).ToHaveTextAsync(new Regex("Fijn dat je er bent"));
        await Expect(widget.GetByLabel("Je bericht")).ToHaveAttributeAsync("placeholder", "Typ je bericht…");
    }

    [Fact]
    public async Task AWidgetThatMissedTheExpertsLastWordsAndTheEndShowsBothWhenItIsBack()
    {
        await using var expert = await _server.ExpertAsync(1);
        var (widget, line) = await WidgetAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(widget.GetByText("Je praat met Sanne, ervaringsdeskundige.")).ToBeVisibleAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;

        line.Lose();
        await expert.SendAsync(conversationId, "e1", "Bel 112 als het weer misgaat.");
        await expert.Hub.InvokeAsync("EndChat", conversationId);
        await line.LostAsync("MessageReceived");
        await line.LostAsync("ChatEnded");
        var ended = widget.GetByRole(AriaRole.Heading, new() { Name = "Het gesprek is beëindigd" });
        await Expect(ended).ToBeHiddenAsync();

        await line.CutAsync();
        await Expect(ended).ToBeVisibleAsync();
        await Expect(widget.Locator("li.msg.expert")).ToHaveTextAsync(new Regex("Bel 112 als het weer misgaat"));
    }

    [Fact]
    public async Task AWidgetThatMissedBeingPassedOnShowsItsPlaceInTheQueueWhenItIsBack()
    {
        await using var expert = await _server.ExpertAsync(1);
        var (widget, line) = await WidgetAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        var talking = widget.GetByText("Je praat met Sanne, ervaringsdeskundige.");
        await Expect(talking).ToBeVisibleAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;

        line.Lose();
        await expert.Hub.InvokeAsync("TransferChat", conversationId); // nobody else on shift: the visitor waits
        await line.LostAsync("BackInQueue");
        await Expect(talking).ToBeVisibleAsync();

        await line.CutAsync();
        await Expect(widget.GetByText("Je bent de volgende in de wachtrij.")).ToBeVisibleAsync();
        await Expect(widget.Locator("#messages li.msg").Last).ToHaveTextAsync(new Regex("doorverbonden"));
    }

    private async Task<(IPage Page, HubLine Line)> ConsoleAsync()
    {
        var ctx = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        var line = await HubLine.RouteAsync(page, "/hubs/expert");
        await page.GotoAsync(_server.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(page, "expert1", "Demo-Expert-1");
        var available = page.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" });
        await available.ClickAsync();
        await Expect(available).ToHaveAttributeAsync("aria-checked", "true");
        return (page, line);
    }

    private async Task<(IPage Page, HubLine Line)> WidgetAsync()
    {
        var ctx = await _browser.NewContextAsync(new() { ViewportSize = new() { Width = 480, Height = 760 }, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        page.Dialog += async (_, d) => await d.AcceptAsync(); // "Wil je het gesprek beëindigen?"
        var line = await HubLine.RouteAsync(page, "/hubs/visitor");
        await page.GotoAsync(_server.BaseUrl + "/widget/");
        return (page, line);
    }
}
