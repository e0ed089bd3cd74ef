using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Attacks;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// Canned replies and referral cards in Chromium: the "/" list with the keyboard (never sends by itself, Esc closes only
/// the list), the card in the widget on a phone (tap-to-call, a link without referrer, markup shown as text, after a
/// reload too), and the contact form that already says which help was advised.
/// </summary>
public sealed class RepliesUiTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDir, name);

    [Fact]
    public async Task TheSlashListIsUsedWithTheKeyboardAndPutsTheTextInTheBoxWithoutSendingIt()
    {
        var coordinator = await f.App.CoordinatorClientAsync();
        (await coordinator.PostAsJsonAsync("/api/replies", new { title = "<b>Vet</b> welkom", text = "Hoi <img src=x onerror=alert(1)> welkom", language = "nl" }))
            .EnsureSuccessStatusCode();
        var console = await TransferUiTests.ConsoleAsync(f, "expert1", "Demo-Expert-1");
        await using var visitor = new Visitor(AttackFixture.Hub(f.BaseUrl, "/hubs/visitor", address: null));
        await visitor.Hub.StartAsync();
        await visitor.StartAsync();
        var box = console.Locator("#reply");
        await Expect(box).ToBeVisibleAsync();
        var list = console.GetByRole(AriaRole.Listbox, new() { Name = "Standaardantwoorden" });

        await box.PressSequentiallyAsync("/neem");
        await Expect(list).ToBeVisibleAsync();
        await Expect(list.GetByRole(AriaRole.Option)).ToHaveCountAsync(1);
        await Expect(list.GetByRole(AriaRole.Option).First).ToContainTextAsync("Neem je tijd");
        await Expect(list.GetByRole(AriaRole.Option).First).ToHaveAttributeAsync("aria-selected", "true");
        await console.ScreenshotAsync(new() { Path = Shot("console-reply-list.png") });

        // Esc closes the list and nothing else: the chat runs on, the typed text stays.
        await box.PressAsync("Escape");
        await Expect(list).ToBeHiddenAsync();
        await Expect(console.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" })).ToBeVisibleAsync();
        await Expect(box).ToHaveValueAsync("/neem");

        // The list scrolls, so it is reachable by keyboard itself (axe scrollable-region-focusable): Shift+Tab from the
        // box goes into it, where the arrows and Esc work the same and Esc goes back to the box.
        await box.PressAsync("Backspace");
        await Expect(list).ToBeVisibleAsync();
        await box.PressAsync("Shift+Tab");
        await Expect(list).ToBeFocusedAsync();
        await Expect(list).ToHaveAttributeAsync("aria-activedescendant", new System.Text.RegularExpressions.Regex("^reply-"));
        await list.PressAsync("Escape");
        await Expect(list).ToBeHiddenAsync();
        await Expect(box).ToBeFocusedAsync();
        await box.FillAsync("/neem");

        // Typing again opens it; arrows move (and wrap); Enter puts the text in the box, nothing is sent.
        await box.PressAsync("Backspace");
        await Expect(list).ToBeVisibleAsync();
        await box.FillAsync("");
        await box.PressSequentiallyAsync("/");
        await Expect(list.GetByRole(AriaRole.Option)).Not.ToHaveCountAsync(0);
        var count = await list.GetByRole(AriaRole.Option).CountAsync();
        Assert.True(count >= 3);
        await box.PressAsync("ArrowDown");
        await Expect(list.GetByRole(AriaRole.Option).Nth(1)).ToHaveAttributeAsync("aria-selected", "true");
        await box.PressAsync("ArrowUp");
        await box.PressAsync("ArrowUp");
        await Expect(list.GetByRole(AriaRole.Option).Nth(count - 1)).ToHaveAttributeAsync("aria-selected", "true");
        await box.FillAsync("");
        await box.PressSequentiallyAsync("/tijd");
        await box.PressAsync("Enter");
        await Expect(list).ToBeHiddenAsync();
        await Expect(box).ToHaveValueAsync("Neem gerust je tijd. Je hoeft hier niets, en je hoeft niet alles in één keer te vertellen.");
        await Expect(console.Locator("li.msg.expert")).ToHaveCountAsync(0);
        await box.PressSequentiallyAsync(" Ik ben er.");
        await box.PressAsync("Enter");
        await Expect(console.Locator("li.msg.expert:not(.pending)")).ToHaveCountAsync(1);
        await visitor.Inbox.Until("MessageReceived", m => m.GetProperty("text").GetString()!.EndsWith("te vertellen. Ik ben er."));

        // The button opens the same list; a reply with markup is listed and put in as text.
        await console.GetByRole(AriaRole.Button, new() { Name = "Antwoorden" }).ClickAsync();
        await Expect(list).ToBeVisibleAsync();
        await Expect(box).ToBeFocusedAsync();
        var markup = list.GetByRole(AriaRole.Option).Filter(new() { HasText = "<b>Vet</b> welkom" });
        await Expect(markup).ToHaveCountAsync(1);
        await Expect(list.Locator("b, img")).ToHaveCountAsync(0);
        for (var i = 0; i < count + 1 && await markup.GetAttributeAsync("aria-selected") != "true"; i++) await box.PressAsync("ArrowDown");
        await box.PressAsync("Enter");
        await Expect(box).ToHaveValueAsync("Hoi <img src=x onerror=alert(1)> welkom");
        await box.PressAsync("Enter");
        await Expect(console.Locator("li.msg.expert:not(.pending)")).ToHaveCountAsync(2);
        await Expect(console.Locator("li.msg.expert").Last.Locator(".text")).ToHaveTextAsync("Hoi <img src=x onerror=alert(1)> welkom");
        await Expect(console.Locator("ol.messages img")).ToHaveCountAsync(0);
        await console.Context.CloseAsync();
    }

    [Fact]
    public async Task AListStillLoadingNeverReplacesTheOneForWhatWasTypedAfterIt()
    {
        // A slow line where later answers come first: the page's fetches of the replies are held until the test lets
        // them go, newest first. The list drawn must be the one for the whole "/neem", not for "/" or "/n".
        var ctx = await f.Browser.NewContextAsync(new() { Locale = "nl-NL", ViewportSize = new() { Width = 1280, Height = 800 } });
        await ctx.AddInitScriptAsync("""
            const realFetch = window.fetch.bind(window);
            window.__held = [];
            window.fetch = (url, options) => String(url).includes('/api/replies')
              ? new Promise((resolve, reject) => window.__held.push({ go: () => realFetch(url, options), resolve, reject }))
              : realFetch(url, options);
            window.__releaseNewestFirst = async () => {
              const held = window.__held.splice(0);
              const answers = await Promise.all(held.map((x) => x.go()));
              for (let i = held.length - 1; i >= 0; i--) {
                held[i].resolve(answers[i]);
                await new Promise((r) => setTimeout(r, 50)); // the page handles one answer before the next comes
              }
              return held.length;
            };
            """);
        var console = await ctx.NewPageAsync();
        await console.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(console, "expert2", "Demo-Expert-2");
        var available = console.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" });
        await available.ClickAsync();
        await Expect(available).ToHaveAttributeAsync("aria-checked", "true");
        await using var visitor = new Visitor(AttackFixture.Hub(f.BaseUrl, "/hubs/visitor", address: null));
        await visitor.Hub.StartAsync();
        await visitor.StartAsync();
        var box = console.Locator("#reply");
        await Expect(box).ToBeVisibleAsync();
        await box.PressSequentiallyAsync("/neem");

        var released = await console.EvaluateAsync<int>("() => window.__releaseNewestFirst()");
        Assert.True(released >= 1);
        var list = console.GetByRole(AriaRole.Listbox, new() { Name = "Standaardantwoorden" });
        await Expect(list).ToBeVisibleAsync();
        await Expect(list.GetByRole(AriaRole.Option)).ToHaveCountAsync(1);
        await Expect(list.GetByRole(AriaRole.Option).First).ToContainTextAsync("Neem je tijd");

        // The chat ends before the expert goes, so the next test's chat is not held for this one.
        await visitor.Hub.InvokeAsync("LeaveChat");
        await Expect(console.GetByRole(AriaRole.Dialog, new() { Name = "Contactformulier na de chat" })).ToBeVisibleAsync();
        await ctx.CloseAsync();
    }

    [Fact]
    public async Task AReferralCardReachesTheVisitorsPhoneAsACardWithTapToCallAndTheFormSaysWhichHelpWasAdvised()
    {
        var coordinator = await f.App.CoordinatorClientAsync();
        (await coordinator.PostAsJsonAsync("/api/referrals", new
        {
            name = "Buurtteam <script>alert(1)</script>", kind = "social-work", phone = "020 123 4567", url = "https://example.org/buurtteam",
            hours = "ma-vr <i>9-17</i>", description = "Praktische hulp <b>dichtbij</b>.",
        })).EnsureSuccessStatusCode();

        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, Locale = "nl-NL", IsMobile = true, HasTouch = true });
        var widget = await ctx.NewPageAsync();
        var console = await TransferUiTests.ConsoleAsync(f, "expert2", "Demo-Expert-2");
        await widget.GotoAsync(f.BaseUrl + "/widget/");
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(widget.GetByText("Je praat met")).ToBeVisibleAsync();

        // Two keystrokes from the button: Enter opens the list of cards (focus on the first, Veilig Thuis), Enter sends it.
        await console.GetByRole(AriaRole.Button, new() { Name = "Verwijzen" }).FocusAsync();
        await console.Keyboard.PressAsync("Enter");
        var dialog = console.GetByRole(AriaRole.Dialog, new() { Name = "Verwijzen naar" });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.Locator(".referral-choice").First).ToBeFocusedAsync();
        await Expect(dialog.Locator(".referral-choice").First).ToContainTextAsync("Veilig Thuis");
        await console.ScreenshotAsync(new() { Path = Shot("console-referral-dialog.png") });
        await console.Keyboard.PressAsync("Enter");
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(console.Locator("li.msg.expert.card")).ToHaveCountAsync(1);
        await Expect(console.Locator("li.msg.expert.card .text")).ToContainTextAsync("0800-2000");

        var card = widget.Locator("li.msg.card");
        await Expect(card).ToHaveCountAsync(1);
        await Expect(card.Locator(".card-name")).ToHaveTextAsync("Veilig Thuis");
        await Expect(card.Locator(".card-hours")).ToContainTextAsync("24/7");
        var call = card.GetByRole(AriaRole.Link, new() { Name = "Bel 0800-2000" });
        await Expect(call).ToHaveAttributeAsync("href", "tel:08002000");
        var site = card.Locator("a.card-link");
        await Expect(site).ToHaveAttributeAsync("href", "https://veiligthuis.nl/");
        await Expect(site).ToHaveAttributeAsync("target", "_blank");
        await Expect(site).ToHaveAttributeAsync("rel", "noopener noreferrer");

        // A card with markup: every part shown as text.
        await console.GetByRole(AriaRole.Button, new() { Name = "Verwijzen" }).ClickAsync();
        await dialog.Locator(".referral-choice").Filter(new() { HasText = "Buurtteam" }).ClickAsync();
        await Expect(card).ToHaveCountAsync(2);
        var marked = card.Last;
        await Expect(marked.Locator(".card-name")).ToHaveTextAsync("Buurtteam <script>alert(1)</script>");
        await Expect(marked.Locator(".card-description")).ToHaveTextAsync("Praktische hulp <b>dichtbij</b>.");
        await Expect(marked.Locator(".card-hours")).ToContainTextAsync("ma-vr <i>9-17</i>");
        await Expect(marked.Locator("script, b, i")).ToHaveCountAsync(0);
        await Expect(marked.GetByRole(AriaRole.Link, new() { Name = "Bel 020 123 4567" })).ToHaveAttributeAsync("href", "tel:0201234567");
        await widget.ScreenshotAsync(new() { Path = Shot("widget-referral-cards-390.png") });

        // A reload resumes the chat: the cards come back as cards.
        await widget.ReloadAsync();
        await Expect(widget.Locator("li.msg.card")).ToHaveCountAsync(2);
        await Expect(widget.Locator("li.msg.card").First.Locator("a.card-call")).ToHaveAttributeAsync("href", "tel:08002000");
        await widget.ScreenshotAsync(new() { Path = Shot("widget-referral-cards-after-reload-390.png") });

        // The end: the contact form already has the advice and both kinds checked, and they can still be changed.
        await console.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" }).ClickAsync();
        await console.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" }).ClickAsync(); // the product's own dialog
        var form = console.GetByRole(AriaRole.Dialog, new() { Name = "Contactformulier na de chat" });
        await Expect(form).ToBeVisibleAsync();
        await Expect(form.GetByRole(AriaRole.Checkbox, new() { Name = "advies om professionele hulp in te schakelen" })).ToBeCheckedAsync();
        await Expect(form.GetByRole(AriaRole.Checkbox, new() { Name = "Veilig Thuis" })).ToBeCheckedAsync();
        await Expect(form.GetByRole(AriaRole.Checkbox, new() { Name = "wijkteam / maatschappelijk werk" })).ToBeCheckedAsync();
        await Expect(form.GetByRole(AriaRole.Checkbox, new() { Name = "Slachtofferhulp" })).Not.ToBeCheckedAsync();
        await form.GetByRole(AriaRole.Checkbox, new() { Name = "wijkteam / maatschappelijk werk" }).UncheckAsync();
        await Expect(form.GetByRole(AriaRole.Checkbox, new() { Name = "wijkteam / maatschappelijk werk" })).Not.ToBeCheckedAsync();
        await form.ScrollIntoViewIfNeededAsync();
        await console.ScreenshotAsync(new() { Path = Shot("console-contact-form-after-referral.png"), FullPage = true });
        await console.Context.CloseAsync();
        await ctx.CloseAsync();
    }

    [Fact]
    public async Task TheCoordinatorKeepsRepliesAndReferralsOnTheirOwnPageWithErrorsPerField()
    {
        var ctx = await f.Browser.NewContextAsync(new() { Locale = "nl-NL", ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await ctx.NewPageAsync();
        var native = new List<string>();
        page.Dialog += async (_, d) => { native.Add(d.Message); await d.DismissAsync(); };
        await page.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(page, "coordinator", "Demo-Coordinator-1");
        await page.GetByRole(AriaRole.Link, new() { Name = "Antwoorden en verwijzingen" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Antwoorden en verwijzingen", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Slachtofferhulp Nederland", Exact = true })).ToBeVisibleAsync();

        var referral = page.GetByRole(AriaRole.Form, new() { Name = "Nieuwe verwijzing" });
        await referral.GetByLabel("Naam").FillAsync("Politie");
        await referral.GetByLabel("Soort hulp").SelectOptionAsync("police");
        await referral.GetByLabel("Telefoonnummer").FillAsync("0900-88 44");
        await referral.GetByLabel("Website").FillAsync("http://www.politie.nl");
        await referral.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(referral.GetByText("Een volledig adres dat met https:// begint.")).ToBeVisibleAsync();
        await Expect(referral.GetByLabel("Website")).ToBeFocusedAsync();
        await Expect(referral.GetByLabel("Website")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.ScreenshotAsync(new() { Path = Shot("console-replies-page-error.png"), FullPage = true });
        await referral.GetByLabel("Website").FillAsync("https://www.politie.nl");
        await referral.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Politie", Exact = true })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Wijzigen: Welkom", Exact = true }).ClickAsync();
        var reply = page.GetByRole(AriaRole.Form, new() { Name = "Antwoord wijzigen" });
        await reply.GetByLabel("Tekst").FillAsync("Hoi, fijn dat je er bent.");
        await reply.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Hoi, fijn dat je er bent.", Exact = true })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("console-replies-page.png"), FullPage = true });
        var list = await (await f.App.ExpertClientAsync(1)).GetFromJsonAsync<JsonElement>("/api/replies");
        Assert.Contains(list.EnumerateArray(), r => r.GetProperty("text").GetString() == "Hoi, fijn dat je er bent.");

        // Deleting asks in the product's own dialog (never the browser's confirm box).
        await page.GetByRole(AriaRole.Button, new() { Name = "Verwijderen: Politie", Exact = true }).ClickAsync();
        var ask = page.GetByRole(AriaRole.Dialog, new() { Name = "Wil je \"Politie\" verwijderen?" });
        await Expect(ask).ToContainTextAsync("Dit kan niet ongedaan worden gemaakt.");
        await ask.GetByRole(AriaRole.Button, new() { Name = "Ja, verwijderen" }).ClickAsync();
        await Expect(page.GetByText("Verwijderd.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Politie", Exact = true })).ToHaveCountAsync(0);
        Assert.Empty(native);

        // On a phone the lists fold into one block per item, nothing wider than the screen.
        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new() { Path = Shot("console-replies-page-390.png"), FullPage = true });
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 390"), "the page is wider than the phone");
        await ctx.CloseAsync();
    }
}
