using System.Net;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// Abuse resistance as people see it: the expert's Blokkeren dialog, the visitor's calm screen when a new chat is
/// refused, and the coordinator's list of blocks. Every page comes from 127.0.0.1, so a block applies to every
/// visitor page of the test's server; each class has a server of its own.
/// </summary>
public sealed class AbuseUiTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ExpertBlocksAChatWithoutAFormAndTheVisitorThenGetsTheCalmRefusedScreen()
    {
        var expertCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        var expert = await expertCtx.NewPageAsync();
        await expert.GotoAsync(f.BaseUrl + "/console/login?ReturnUrl=/console");
        await BrowserFixture.SignInAsync(expert, "expert1", "Demo-Expert-1");
        await expert.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" }).ClickAsync();
        await Expect(expert.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToHaveAttributeAsync("aria-checked", "true");

        var visitorCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 480, Height = 820 }, Locale = "nl-NL" });
        var visitor = await visitorCtx.NewPageAsync();
        await visitor.GotoAsync(f.BaseUrl + "/widget/");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(visitor.GetByText("Je praat met Sanne, ervaringsdeskundige.")).ToBeVisibleAsync();

        // The dialog: focus moves in, a reason is required, Esc cancels and focus returns to the button.
        var block = expert.GetByRole(AriaRole.Button, new() { Name = "Blokkeren", Exact = true });
        await block.ClickAsync();
        var dialog = expert.GetByRole(AriaRole.Dialog, new() { Name = "Contactzoeker blokkeren" });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByRole(AriaRole.Radio, new() { Name = "Grof of beledigend" })).ToBeFocusedAsync();
        await Expect(dialog.GetByText("dit adres kan 24 uur geen nieuw gesprek starten")).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Blokkeren en beëindigen" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Kies een reden.");
        await expert.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(block).ToBeFocusedAsync();

        await block.PressAsync("Enter");
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Radio, new() { Name = "Bedreigend" }).CheckAsync();
        await expert.ScreenshotAsync(new() { Path = Shot("abuse-console-block-dialog") });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Blokkeren en beëindigen" }).ClickAsync();

        // The chat ends in the console; no contact form opens and none is waiting.
        await Expect(expert.GetByText("Geblokkeerd tot")).ToBeVisibleAsync();
        await Expect(expert.GetByText("Je hebt het gesprek beëindigd en geblokkeerd.", new() { Exact = false })).ToBeVisibleAsync();
        await Expect(expert.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Expect(expert.GetByRole(AriaRole.Heading, new() { Name = "Nog in te vullen" })).ToBeHiddenAsync();
        await Expect(block).ToHaveCountAsync(0);

        // The visitor sees an ordinary end; starting again is refused with the calm screen and the phone numbers.
        await Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Het gesprek is beëindigd" })).ToBeVisibleAsync();
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Nieuw gesprek" }).ClickAsync();
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        var refused = visitor.GetByRole(AriaRole.Heading, new() { Name = "Het lukt nu niet om een nieuw gesprek te starten" });
        await Expect(refused).ToBeVisibleAsync();
        await Expect(refused).ToBeFocusedAsync();
        // Not "erg druk" (untrue), and nothing that says "blocked": a neutral "try again later".
        await Expect(visitor.Locator("#refused-text")).ToHaveTextAsync("Probeer het later nog eens.");
        await Expect(visitor.GetByRole(AriaRole.Link, new() { Name = "Veilig Thuis 0800-2000" })).ToHaveAttributeAsync("href", "tel:08002000");
        await Expect(visitor.GetByRole(AriaRole.Link, new() { Name = "In acuut gevaar 112" })).ToHaveAttributeAsync("href", "tel:112");
        await Expect(visitor.Locator("#refused-alternatives")).ToHaveTextAsync(new Regex("06-12345678"));
        await Expect(visitor.GetByText("geblokkeerd", new() { Exact = false })).ToHaveCountAsync(0);
        Assert.Equal(0, await visitor.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));
        await visitor.ScreenshotAsync(new() { Path = Shot("abuse-widget-refused") });

        // "Probeer opnieuw" leads back to the start, with focus on its heading.
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Probeer opnieuw" }).ClickAsync();
        await Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Praat anoniem met een ervaringsdeskundige" })).ToBeFocusedAsync();

        await visitorCtx.CloseAsync();
        await expertCtx.CloseAsync();
    }

    internal static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDir, name + ".png");

    /// <summary>The official HubConnection over a real socket from 127.0.0.1, as the other browser pages connect.</summary>
    internal static HubConnection Hub(string baseUrl, string path, string? cookie = null) =>
        Attacks.AttackFixture.Hub(baseUrl, path, address: null, cookie: cookie);
}

/// <summary>The coordinator's Blokkades page; its own server, the block made through the hubs.</summary>
public sealed class AbuseUiBlocksPageTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task CoordinatorSeesTheBlockAndLiftsIt()
    {
        await using var expertHub = AbuseUiTests.Hub(f.BaseUrl, "/hubs/expert", await f.App.CookieAsync("expert2", "Demo-Expert-2"));
        var expert = new Expert(expertHub);
        await expertHub.StartAsync();
        await expertHub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
        await using var visitorHub = AbuseUiTests.Hub(f.BaseUrl, "/hubs/visitor");
        await visitorHub.StartAsync();
        await visitorHub.InvokeAsync<StartChatResult>("StartChat", new { about = "unspecified" });
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await expertHub.InvokeAsync<System.Text.Json.JsonElement>("BlockVisitor", conversationId, "prank");

        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 720 }, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/console/login?ReturnUrl=/console");
        await BrowserFixture.SignInAsync(page, "coordinator", "Demo-Coordinator-1");
        await page.GetByRole(AriaRole.Link, new() { Name = "Blokkades" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/console/blocks$"));

        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Nepgesprek of grap" });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("Ruben");
        await page.ScreenshotAsync(new() { Path = AbuseUiTests.Shot("abuse-console-blocks-page"), FullPage = true });

        // The product's own question, never the browser's: Esc cancels and gives focus back to the button.
        var lift = row.GetByRole(AriaRole.Button, new() { Name = "Opheffen" });
        await lift.ClickAsync();
        var ask = page.GetByRole(AriaRole.Dialog, new() { Name = "Blokkade opheffen?" });
        await Expect(ask).ToBeVisibleAsync();
        await Expect(ask.GetByRole(AriaRole.Button, new() { Name = "Annuleren" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(ask).ToHaveCountAsync(0);
        await Expect(lift).ToBeFocusedAsync();
        await Expect(row).ToHaveCountAsync(1);
        await lift.ClickAsync();
        await ask.GetByRole(AriaRole.Button, new() { Name = "Ja, opheffen" }).ClickAsync();
        await Expect(page.GetByText("De blokkade is opgeheven.")).ToBeVisibleAsync();
        await Expect(page.GetByText("Er zijn geen blokkades.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Blokkades", Level = 1 })).ToBeFocusedAsync();

        // Lifted: the same address may start a chat again.
        await using var nextVisitor = AbuseUiTests.Hub(f.BaseUrl, "/hubs/visitor");
        await nextVisitor.StartAsync();
        var again = await nextVisitor.InvokeAsync<StartChatResult>("StartChat", new { about = "unspecified" });
        Assert.NotEqual("refused", again.Status);
        await ctx.CloseAsync();
    }

    [Fact]
    public async Task ExpertsCannotOpenTheBlocksPage()
    {
        var ctx = await f.Browser.NewContextAsync(new() { Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/console/login");
        await BrowserFixture.SignInAsync(page, "expert1", "Demo-Expert-1");
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Blokkades" })).ToHaveCountAsync(0);
        await page.GotoAsync(f.BaseUrl + "/console/blocks");
        await Expect(page).ToHaveURLAsync(new Regex("/console(\\?|$)"));
        await ctx.CloseAsync();
    }
}

/// <summary>A server that takes only two visitor connections per address, so the browser's is turned away (429).</summary>
public sealed class TwoConnectionsFixture() : BrowserFixture(new() { ["Abuse:ConnectionsPerAddress"] = "2" });

public sealed class AbuseUiConnectionLimitTests(TwoConnectionsFixture f) : IClassFixture<TwoConnectionsFixture>
{
    [Fact]
    public async Task WidgetShowsTheCalmScreenWithRetryWhenItsConnectionIsTurnedAway()
    {
        // On shift (paused), so the widget offers a start; two visitor connections from this address use up the limit.
        await using var expertHub = AbuseUiTests.Hub(f.BaseUrl, "/hubs/expert", await f.App.CookieAsync("expert1", "Demo-Expert-1"));
        await expertHub.StartAsync();
        await expertHub.InvokeAsync<AvailabilityResult>("SetAvailability", "paused");
        await using var first = AbuseUiTests.Hub(f.BaseUrl, "/hubs/visitor");
        await first.StartAsync();
        await using var second = AbuseUiTests.Hub(f.BaseUrl, "/hubs/visitor");
        await second.StartAsync();

        var page = await f.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 480, Height = 820 }, Locale = "nl-NL" });
        await page.GotoAsync(f.BaseUrl + "/widget/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Het lukt nu niet om een nieuw gesprek te starten" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "0800-2000" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Probeer opnieuw" })).ToBeVisibleAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));
        await page.ScreenshotAsync(new() { Path = AbuseUiTests.Shot("abuse-widget-connection-refused") });
        await page.CloseAsync();
    }
}
