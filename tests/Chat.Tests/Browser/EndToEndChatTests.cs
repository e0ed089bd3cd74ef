using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// A visitor on /demo and an expert in /console, in two browser contexts, complete a chat and the contact form.
/// Screenshots go to artifacts/screenshots for people to look at.
/// </summary>
public sealed class EndToEndChatTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDir, name + ".png");

    private async Task<(IBrowserContext, IPage)> ExpertPageAsync(string user, string password)
    {
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        page.Dialog += async (_, d) => await d.AcceptAsync();
        await page.GotoAsync(f.BaseUrl + "/console");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/login"));
        await BrowserFixture.SignInAsync(page, user, password);
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToBeVisibleAsync();
        return (ctx, page);
    }

    [Fact]
    public async Task VisitorOnTheDemoSiteChatsWithAnExpertWhoFilesTheForm()
    {
        var (expertCtx, expert) = await ExpertPageAsync("expert1", "Demo-Expert-1");
        // On shift but paused: the chat is open and the visitor waits in the queue.
        await expert.GetByRole(AriaRole.Radio, new() { Name = "Pauze" }).ClickAsync();
        await Expect(expert.GetByRole(AriaRole.Radio, new() { Name = "Pauze" })).ToHaveAttributeAsync("aria-checked", "true");

        var visitorCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 820 }, Locale = "nl-NL" });
        var visitor = await visitorCtx.NewPageAsync();
        var foreign = new List<string>();
        visitor.Request += (_, r) => { if (!r.Url.StartsWith(f.BaseUrl) && !r.Url.StartsWith("data:")) foreign.Add(r.Url); };
        visitor.Dialog += async (_, d) => await d.AcceptAsync();
        await visitor.GotoAsync(f.BaseUrl + "/demo");
        var launcher = visitor.GetByRole(AriaRole.Button, new() { Name = "Chat anoniem met een ervaringsdeskundige" });
        await Expect(launcher).ToBeVisibleAsync();
        await launcher.ClickAsync();

        var chat = visitor.FrameLocator("iframe[title='Anonieme chat']");
        await Expect(chat.GetByRole(AriaRole.Button, new() { Name = "Snel weg" })).ToBeVisibleAsync();
        await Expect(chat.GetByText("Veilig Thuis")).ToBeVisibleAsync();
        await visitor.ScreenshotAsync(new() { Path = Shot("widget-intro") });
        await chat.GetByText("Wil je iets over jezelf vertellen").ClickAsync(); // the other questions are folded
        await chat.GetByLabel("Ik voel me thuis niet veilig").CheckAsync();
        await chat.Locator("input[name=follow][value=no]").CheckAsync();
        await chat.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(chat.GetByText("Je bent de volgende")).ToBeVisibleAsync();

        // Typing while waiting.
        await chat.GetByLabel("Je bericht").FillAsync("Hoi. Ik weet niet zo goed hoe ik moet beginnen.");
        await chat.GetByLabel("Je bericht").PressAsync("Enter");
        await Expect(chat.Locator("li.msg.visitor:not(.pending)")).ToHaveCountAsync(1);
        await visitor.ScreenshotAsync(new() { Path = Shot("widget-waiting") });

        // The expert becomes available and gets the chat with the waiting message.
        await Expect(expert.GetByText("1 persoon wacht")).ToBeVisibleAsync();
        await expert.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" }).ClickAsync();
        await Expect(expert.Locator("li.msg.visitor")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Ik weet niet zo goed"));
        await Expect(expert).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("Nieuwe chat"));
        await Expect(chat.GetByText("Je praat met Sanne, ervaringsdeskundige.")).ToBeVisibleAsync();

        await expert.Locator("#reply").FillAsync("Fijn dat je er bent. Je hoeft niets, we kunnen gewoon even praten.");
        await expert.Locator("#reply").PressAsync("Enter");
        await Expect(chat.Locator("li.msg.expert")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Fijn dat je er bent"));
        await chat.GetByLabel("Je bericht").FillAsync("<b>dank je</b> — dat helpt al.");
        await chat.GetByLabel("Je bericht").PressAsync("Enter");
        await Expect(expert.Locator("li.msg.visitor").Last).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("<b>dank je</b>"));
        await visitor.ScreenshotAsync(new() { Path = Shot("widget-chatting") });
        await expert.ScreenshotAsync(new() { Path = Shot("console-chatting") });

        // A reload in the same tab resumes the chat: nothing lost, nothing twice.
        await visitor.ReloadAsync();
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Chat anoniem met een ervaringsdeskundige" }).ClickAsync();
        await Expect(chat.Locator("li.msg[data-seq]")).ToHaveCountAsync(3);
        await Expect(chat.Locator("li.msg.expert")).ToHaveCountAsync(1);

        // The expert ends the chat; the form opens pre-filled; the expert completes and saves it.
        await expert.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" }).ClickAsync();
        await expert.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" }).ClickAsync(); // the product's own dialog
        await Expect(chat.GetByText("Het gesprek is beëindigd")).ToBeVisibleAsync();
        var form = expert.GetByRole(AriaRole.Dialog, new() { Name = "Contactformulier na de chat" });
        await Expect(form).ToBeVisibleAsync();
        await Expect(form.GetByLabel("slachtoffer", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(form.GetByLabel("eerste gesprek")).ToBeCheckedAsync();
        await Expect(form.GetByLabel("de website")).ToBeCheckedAsync();
        await form.GetByLabel("luisterend oor bieden").CheckAsync();
        await form.GetByLabel("advies om professionele hulp in te schakelen").CheckAsync();
        await form.GetByLabel("Veilig Thuis", new() { Exact = true }).CheckAsync();
        await expert.ScreenshotAsync(new() { Path = Shot("console-contact-form") });
        // Nobody answered "Veiligheid" for the expert: saving asks for it instead of counting "geen zorgen".
        await Expect(form.GetByLabel("geen zorgen")).Not.ToBeCheckedAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(form.Locator("#err-safety")).ToHaveTextAsync("Kies een antwoord.");
        await Expect(form).ToBeVisibleAsync();
        await form.GetByLabel("geen zorgen").CheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(expert.GetByText("Contactformulier opgeslagen.")).ToBeVisibleAsync();
        // The form went with the chat; the keyboard goes on from the expert's availability (no pause here, no other form), not the page's top.
        Assert.Equal("Beschikbaar", await expert.EvaluateAsync<string>("() => document.activeElement?.textContent?.trim() ?? ''"));

        var api = await f.App.ExpertClientAsync(1);
        var forms = await api.GetFromJsonAsync<JsonElement>("/api/contacts");
        Assert.Equal(1, forms.GetArrayLength());
        Assert.Equal("website-chat", forms[0].GetProperty("contactType").GetString());
        Assert.Equal("victim", forms[0].GetProperty("contactSeeker").GetString());
        Assert.Equal(["veilig-thuis"], forms[0].GetProperty("professionalHelp").EnumerateArray().Select(e => e.GetString()));

        // Privacy: no cookie, no localStorage, sessionStorage cleared at the end, no request to any third party.
        Assert.Empty(await visitorCtx.CookiesAsync());
        var frame = visitor.Frames.First(fr => fr.Url.Contains("/widget/"));
        Assert.Equal(0, await frame.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));
        Assert.Equal(0, await visitor.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));
        Assert.Empty(foreign);

        await visitorCtx.CloseAsync();
        await expertCtx.CloseAsync();
    }

    [Fact]
    public async Task QuickExitLeavesForANeutralSiteAndForgetsTheChat()
    {
        var (expertCtx, expert) = await ExpertPageAsync("expert2", "Demo-Expert-2");
        await expert.GetByRole(AriaRole.Radio, new() { Name = "Pauze" }).ClickAsync();
        await Expect(expert.GetByRole(AriaRole.Radio, new() { Name = "Pauze" })).ToHaveAttributeAsync("aria-checked", "true");

        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var page = await ctx.NewPageAsync();
        await page.RouteAsync(BrowserFixture.QuickExitUrl + "**", r => r.FulfillAsync(new() { Body = "<title>Weer</title>neutral", ContentType = "text/html" }));
        await page.GotoAsync(f.BaseUrl + "/demo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Chat anoniem met een ervaringsdeskundige" }).ClickAsync();
        var chat = page.FrameLocator("iframe[title='Anonieme chat']");
        await chat.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(chat.GetByText("Je bent de volgende")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("widget-phone-waiting") });
        await Expect(expert.GetByText("1 persoon wacht")).ToBeVisibleAsync();

        // Keyboard: Shift three times inside the chat is the quick exit (Esc is not: people press it by reflex).
        await chat.GetByLabel("Je bericht").FocusAsync();
        for (var i = 0; i < 3; i++) await page.Keyboard.PressAsync("Shift");
        await page.WaitForURLAsync(BrowserFixture.QuickExitUrl);
        await Expect(expert.GetByText("Niemand wacht")).ToBeVisibleAsync(); // the chat ended with the exit

        // Back on the site in the same tab, nothing is remembered.
        await page.GotoAsync(f.BaseUrl + "/demo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Chat anoniem met een ervaringsdeskundige" }).ClickAsync();
        await Expect(chat.GetByRole(AriaRole.Button, new() { Name = "Start de chat" })).ToBeVisibleAsync();
        await ctx.CloseAsync();
        await expertCtx.CloseAsync();
    }
}

/// <summary>Its own server, so no expert from another test is on shift.</summary>
public sealed class ClosedWidgetTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDir, name + ".png");

    [Fact]
    public async Task WidgetShowsClosedWithOpeningHoursWhenNobodyIsOnShiftAndSwitchesToEnglish()
    {
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 820 } });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/widget/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "De chat is nu gesloten" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Elke dag van 19:00 tot 23:00 uur.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to English" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "The chat is closed now" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Leave now" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("widget-closed-english") });
        await ctx.CloseAsync();
    }
}
