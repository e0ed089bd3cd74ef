using Chat.Tests.Infrastructure;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// What a new user meets (issue 21), tried as they would: the coordinator on a phone, forms that tell chats apart,
/// the product's own dialogs, the refusal that says what is true, the widget at 200%. Each class has a server of its own.
/// </summary>
internal static class NewUser
{
    public static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDir, name + ".png");

    public static async Task<IPage> SignedInAsync(BrowserFixture f, string user, string password, int width, int height)
    {
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(page, user, password);
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToBeVisibleAsync();
        return page;
    }
}

public sealed class CoordinatorNavigationOnAPhoneTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task EveryCoordinatorPageHasAVisibleWayBackToTheConsoleAt390Pixels()
    {
        var page = await NewUser.SignedInAsync(f, "coordinator", "Demo-Coordinator-1", 390, 844);
        foreach (var (path, name) in new[] { ("statistics", "statistics"), ("accounts", "accounts"), ("roster", "roster"),
                     ("replies", "replies"), ("blocks", "blocks"), ("password", "password"), ("two-factor", "two-factor") })
        {
            await page.GotoAsync(f.BaseUrl + "/console/" + path);
            var back = page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Terug naar de console" });
            await Expect(back).ToBeVisibleAsync();
            await Expect(back).ToBeInViewportAsync();
            await page.ScreenshotAsync(new() { Path = NewUser.Shot($"nav-{name}-phone") });
            await back.ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/console$"));
        }
        // The links have the product's colour, not the browser's default blue.
        await page.GotoAsync(f.BaseUrl + "/console/statistics");
        var colour = await page.GetByRole(AriaRole.Link, new() { Name = "Terug naar de console" }).EvaluateAsync<string>("a => getComputedStyle(a).color");
        Assert.NotEqual("rgb(0, 0, 238)", colour);
        Assert.NotEqual("rgb(85, 26, 139)", colour);
        await page.Context.CloseAsync();
    }
}

public sealed class PendingFormsTellChatsApartTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AfterThreeShortChatsEachChatAndEachFormStillToFillInReadsDifferently()
    {
        var page = await NewUser.SignedInAsync(f, "expert1", "Demo-Expert-1", 1280, 800);
        await page.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" }).ClickAsync();
        var openings = new[] { "Fijn dat je er bent, vertel maar", "Goedenavond, wat speelt er", "Hoi, je bent welkom hier" };
        // One after another, as on an evening shift: each ends before the next comes; its form is put aside (Esc).
        var form = page.GetByRole(AriaRole.Dialog, new() { Name = "Contactformulier na de chat" });
        for (var i = 0; i < 3; i++)
        {
            await using var v = new Visitor(Attacks.AttackFixture.Hub(f.BaseUrl, "/hubs/visitor", address: $"10.21.3.{i + 1}"));
            await v.Hub.StartAsync();
            await v.StartAsync();
            await Expect(page.Locator("button.chat-item:not(.ended)")).ToHaveCountAsync(1);
            await page.Locator("#reply").FillAsync(openings[i]);
            await page.Locator("#reply").PressAsync("Enter");
            await Expect(page.Locator("li.msg.expert:not(.pending)")).ToHaveCountAsync(1);
            await v.Hub.InvokeAsync("LeaveChat");
            await Expect(page.Locator("button.chat-item.ended")).ToHaveCountAsync(i + 1);
            await Expect(form).ToBeVisibleAsync();
            await Expect(form).ToContainTextAsync($"Contactzoeker {i + 1}");
            await page.Keyboard.PressAsync("Escape");
            await Expect(form).ToHaveCountAsync(0);
            var ready = page.GetByRole(AriaRole.Button, new() { Name = "Ik ben er klaar voor" });
            if (await ready.IsVisibleAsync()) await ready.ClickAsync();
        }

        var chats = await page.Locator("button.chat-item").AllInnerTextsAsync();
        Assert.Equal(3, chats.Distinct().Count());
        for (var i = 0; i < 3; i++)
        {
            Assert.Contains(chats, c => c.Contains($"Contactzoeker {i + 1}") && c.Contains(openings[i].Split(' ')[0]) && c.Contains("einde"));
        }
        var forms = await page.Locator(".forms-list li").AllInnerTextsAsync();
        Assert.Equal(3, forms.Count);
        Assert.Equal(3, forms.Distinct().Count());
        Assert.All(forms, x => Assert.Matches(new Regex(@"Contactzoeker \d · \d\d:\d\d–\d\d:\d\d · \d+ min"), x));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Formulier invullen voor Contactzoeker 2" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = NewUser.Shot("console-pending-forms") });

        // After a reload (same tab) the names stay the same.
        await page.ReloadAsync();
        await Expect(page.Locator(".forms-list li")).ToHaveCountAsync(3);
        await Expect(page.Locator(".forms-list li").First).ToContainTextAsync(new Regex(@"Contactzoeker \d · \d\d:\d\d–\d\d:\d\d"));
        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new() { Path = NewUser.Shot("console-pending-forms-phone"), FullPage = true });
        await page.Context.CloseAsync();
    }
}

public sealed class AccountsPageFitsTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task TheAccountsPageFits1280PixelsWithLanguagesAsCheckboxesAndStyledDropdowns()
    {
        var page = await NewUser.SignedInAsync(f, "coordinator", "Demo-Coordinator-1", 1280, 800);
        await page.GotoAsync(f.BaseUrl + "/console/accounts");
        await Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = "expert1", Exact = true })).ToBeVisibleAsync();

        // Nothing off-screen: not the page, not the table in its box; the password button is in view.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
        Assert.True(await page.EvaluateAsync<bool>("() => { const b = document.querySelector('.table-scroll'); return b.scrollWidth <= b.clientWidth; }"),
            "the accounts table scrolls sideways in its box");
        var setPassword = page.GetByRole(AriaRole.Button, new() { Name = "Wachtwoord instellen voor expert1" });
        var box = (await setPassword.BoundingBoxAsync())!;
        Assert.True(box.X + box.Width <= 1280, $"the password button ends at {box.X + box.Width} px");

        // Languages are chosen, not typed; a change is saved and read back.
        Assert.Equal(0, await page.Locator("input.langs, input[name=languages][type=text]").CountAsync());
        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "expert1", Exact = true }) });
        var english = row.GetByRole(AriaRole.Group, new() { Name = "Talen van expert1" }).GetByRole(AriaRole.Checkbox, new() { Name = "Engels" });
        var wasChecked = await english.IsCheckedAsync();
        await english.SetCheckedAsync(!wasChecked);
        await row.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(page.GetByText("Opgeslagen.")).ToBeVisibleAsync();
        await page.ReloadAsync();
        var english2 = page.GetByRole(AriaRole.Group, new() { Name = "Talen van expert1" }).GetByRole(AriaRole.Checkbox, new() { Name = "Engels" });
        if (wasChecked) await Expect(english2).Not.ToBeCheckedAsync(); else await Expect(english2).ToBeCheckedAsync();

        // Dropdowns have the product's style, not the browser's grey default.
        Assert.Equal("none", await page.Locator("select").First.EvaluateAsync<string>("s => getComputedStyle(s).appearance"));
        await page.ScreenshotAsync(new() { Path = NewUser.Shot("accounts-1280"), FullPage = true });

        // The new password goes in a dialog of its own; Esc closes it and focus returns to the row's button.
        await page.GetByRole(AriaRole.Button, new() { Name = "Wachtwoord instellen voor expert1" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Nieuw wachtwoord voor expert1" });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByLabel(new Regex("^Wachtwoord"))).ToBeFocusedAsync();
        await page.ScreenshotAsync(new() { Path = NewUser.Shot("accounts-password-dialog") });
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Wachtwoord instellen voor expert1" })).ToBeFocusedAsync();

        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new() { Path = NewUser.Shot("accounts-phone"), FullPage = true });
        await page.Context.CloseAsync();
    }
}

public sealed class OwnDialogsTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task EndingTransferringAndLeavingAskInTheProductsOwnDialogWithTheKeyboard()
    {
        var expert = await NewUser.SignedInAsync(f, "expert1", "Demo-Expert-1", 1280, 800);
        await expert.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" }).ClickAsync();
        var native = new List<string>();
        expert.Dialog += async (_, d) => { native.Add(d.Message); await d.DismissAsync(); };

        var visitorCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, Locale = "nl-NL", IsMobile = true, HasTouch = true });
        var widget = await visitorCtx.NewPageAsync();
        widget.Dialog += async (_, d) => { native.Add(d.Message); await d.DismissAsync(); };
        await widget.GotoAsync(f.BaseUrl + "/widget/");
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(widget.GetByText("Je praat met Sanne")).ToBeVisibleAsync();

        // The visitor: "Gesprek beëindigen" asks in a card over the chat; "Snel weg" stays reachable; Esc says no.
        var leave = widget.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" });
        await leave.ClickAsync();
        var ask = widget.GetByRole(AriaRole.Dialog, new() { Name = "Wil je het gesprek beëindigen?" });
        await Expect(ask).ToBeVisibleAsync();
        await Expect(ask.GetByRole(AriaRole.Button, new() { Name = "Nee, verder praten" })).ToBeFocusedAsync();
        Assert.True(await Phone.UncoveredAsync(widget.GetByRole(AriaRole.Button, new() { Name = "Snel weg" })), "quick exit is covered");
        await widget.ScreenshotAsync(new() { Path = NewUser.Shot("widget-leave-dialog-phone") });
        await widget.Keyboard.PressAsync("Escape");
        await Expect(ask).ToBeHiddenAsync();
        await Expect(leave).ToBeFocusedAsync();

        // The expert: ending and transferring ask in a modal dialog; focus starts on "Annuleren", Esc cancels and goes back.
        var end = expert.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" });
        await end.ClickAsync();
        var endDialog = expert.GetByRole(AriaRole.Dialog, new() { Name = "Dit gesprek beëindigen?" });
        await Expect(endDialog).ToBeVisibleAsync();
        await Expect(endDialog).ToContainTextAsync("De contactzoeker ziet dat het gesprek is afgelopen.");
        await Expect(endDialog.GetByRole(AriaRole.Button, new() { Name = "Annuleren" })).ToBeFocusedAsync();
        await expert.ScreenshotAsync(new() { Path = NewUser.Shot("console-end-dialog") });
        await expert.Keyboard.PressAsync("Escape");
        await Expect(endDialog).ToHaveCountAsync(0);
        await Expect(end).ToBeFocusedAsync();

        await expert.GetByRole(AriaRole.Button, new() { Name = "Overdragen" }).ClickAsync();
        var transfer = expert.GetByRole(AriaRole.Dialog, new() { Name = "Dit gesprek overdragen aan een collega?" });
        await Expect(transfer).ToBeVisibleAsync();
        await expert.Keyboard.PressAsync("Enter"); // on "Annuleren"
        await Expect(transfer).ToHaveCountAsync(0);
        await Expect(expert.GetByRole(AriaRole.Button, new() { Name = "Overdragen" })).ToBeFocusedAsync();
        await Expect(expert.Locator("button.chat-item.ended")).ToHaveCountAsync(0);

        // The visitor says yes with the keyboard: the chat ends on both sides.
        await leave.ClickAsync();
        await widget.Keyboard.PressAsync("Tab");
        await Expect(ask.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" })).ToBeFocusedAsync();
        await widget.Keyboard.PressAsync("Enter");
        await Expect(expert.Locator("button.chat-item.ended")).ToHaveCountAsync(1);
        await Expect(widget.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" })).ToBeHiddenAsync();
        Assert.Empty(native);
        await expert.Context.CloseAsync();
        await visitorCtx.CloseAsync();
    }
}

public sealed class OneChatAnHourFixture() : BrowserFixture(new() { ["Abuse:ChatsPerAddressPerHour"] = "1" });

public sealed class RefusalSaysWhatIsTrueTests(OneChatAnHourFixture f) : IClassFixture<OneChatAnHourFixture>
{
    [Fact]
    public async Task TheHourlyLimitOfAnAddressIsSaidAsItIsNotAsBusy()
    {
        var expert = await NewUser.SignedInAsync(f, "expert2", "Demo-Expert-2", 1280, 800);
        await expert.GetByRole(AriaRole.Radio, new() { Name = "Pauze" }).ClickAsync();
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        var widget = await ctx.NewPageAsync();
        await widget.GotoAsync(f.BaseUrl + "/widget/");
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(widget.GetByText("Je bent de volgende")).ToBeVisibleAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" }).ClickAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" }).ClickAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Nieuw gesprek" }).ClickAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();

        await Expect(widget.GetByRole(AriaRole.Heading, new() { Name = "Het lukt nu niet om een nieuw gesprek te starten" })).ToBeFocusedAsync();
        await Expect(widget.Locator("#refused-text")).ToContainTextAsync("Vanaf dit internetadres zijn het afgelopen uur al veel gesprekken gestart.");
        await Expect(widget.GetByText("erg druk", new() { Exact = false })).ToHaveCountAsync(0);
        await widget.ScreenshotAsync(new() { Path = NewUser.Shot("widget-refused-limit-1280") });
        await widget.SetViewportSizeAsync(390, 844);
        await widget.ScreenshotAsync(new() { Path = NewUser.Shot("widget-refused-limit-phone") });
        // In English too.
        await widget.GetByRole(AriaRole.Button, new() { Name = "Switch to English" }).ClickAsync();
        await Expect(widget.Locator("#refused-text")).ToContainTextAsync("from this internet address in the last hour");
        await ctx.CloseAsync();
        await expert.Context.CloseAsync();
    }
}

public sealed class StartAtOnceOnAPhoneTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task OnAPhoneTheFirstScreenAsksOnlyAboutDangerAndStartsAtOnceTheOtherQuestionsFolded()
    {
        var (expertCtx, _) = await Visit.ExpertAsync(f, "expert1", "Demo-Expert-1", "Pauze"); // open, nobody takes the chat
        var (ctx, page, chat) = await Visit.VisitorAsync(f, 390, 844, phone: true);
        await page.GotoAsync(f.BaseUrl + "/demo");
        await Visit.OpenWidgetAsync(page);
        var start = chat.GetByRole(AriaRole.Button, new() { Name = "Start de chat" });
        await Expect(start).ToBeVisibleAsync();
        // The danger question and the start button on the first screen, without scrolling; "may stay empty" before it.
        await Expect(chat.GetByRole(AriaRole.Group, new() { Name = "Ben je nu in gevaar?" })).ToBeInViewportAsync(new() { Ratio = 1 });
        await Expect(start).ToBeInViewportAsync(new() { Ratio = 1 });
        await Expect(chat.GetByText("Alle vragen mogen leeg blijven.")).ToBeInViewportAsync(new() { Ratio = 1 });
        // The four other questions are folded, closed and unanswered until the visitor opens them.
        await Expect(chat.GetByLabel("Ik voel me thuis niet veilig")).ToBeHiddenAsync();
        await page.ScreenshotAsync(new() { Path = NewUser.Shot("widget-start-phone-folded") });

        // By keyboard: the fold opens with Enter, its questions follow it, the start button comes after them.
        var fold = chat.Locator("#more-questions > summary");
        await fold.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(chat.GetByLabel("Ik voel me thuis niet veilig")).ToBeVisibleAsync();
        await chat.GetByLabel("Een vrouw").First.CheckAsync();
        await page.ScreenshotAsync(new() { Path = NewUser.Shot("widget-start-phone-open"), FullPage = true });
        var order = await page.Frames.Single(fr => fr.Url.Contains("/widget/")).EvaluateAsync<string>(
            "() => [document.querySelector('#more-questions > summary'), document.getElementById('about-choices'), document.getElementById('start')]" +
            ".map(e => e.getBoundingClientRect().top).every((v, i, a) => i === 0 || v > a[i - 1]) ? 'in order' : 'out of order'");
        Assert.Equal("in order", order);

        await ctx.CloseAsync();

        // At 1280x800 the fold is there too: the start button shows in the floating panel without scrolling.
        var (desk, deskPage, deskChat) = await Visit.VisitorAsync(f, 1280, 800);
        await deskPage.GotoAsync(f.BaseUrl + "/demo");
        await Visit.OpenWidgetAsync(deskPage);
        await Expect(deskChat.GetByRole(AriaRole.Button, new() { Name = "Start de chat" })).ToBeInViewportAsync(new() { Ratio = 1 });
        await deskPage.ScreenshotAsync(new() { Path = NewUser.Shot("widget-start-desktop-folded") });
        await desk.CloseAsync();

        // At 200% zoom (a 1280x800 window: 640x400 CSS pixels): the fold opens with the keyboard there too.
        var zoomed = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 640, Height = 400 }, DeviceScaleFactor = 2, Locale = "nl-NL" });
        var zoomPage = await zoomed.NewPageAsync();
        await zoomPage.GotoAsync(f.BaseUrl + "/demo");
        await Visit.OpenWidgetAsync(zoomPage);
        var zoomChat = zoomPage.FrameLocator("iframe[title='Anonieme chat']");
        await Expect(zoomChat.GetByRole(AriaRole.Button, new() { Name = "Start de chat" })).ToBeVisibleAsync();
        await zoomPage.ScreenshotAsync(new() { Path = NewUser.Shot("widget-start-200-percent") });
        await zoomChat.Locator("#more-questions > summary").FocusAsync();
        await zoomPage.Keyboard.PressAsync("Enter");
        await Expect(zoomChat.GetByLabel("Ik voel me thuis niet veilig")).ToBeVisibleAsync();
        await zoomed.CloseAsync();
        await expertCtx.CloseAsync();
    }
}

public sealed class WidgetAtTwoHundredPercentTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    private const string VisibleMessages =
        "() => { const list = document.getElementById('messages'); const b = list.getBoundingClientRect();" +
        " return [...list.querySelectorAll('li.msg')].filter(li => { const r = li.getBoundingClientRect(); return r.height > 0 && r.top >= b.top - 1 && r.bottom <= b.bottom + 1; }).length; }";

    [Fact]
    public async Task At200PercentTheWidgetFillsTheWindowShowsThreeMessagesAndTheWholeFeedbackQuestion()
    {
        await using var expert = new Expert(AbuseUiTests.Hub(f.BaseUrl, "/hubs/expert", await f.App.CookieAsync("expert1", "Demo-Expert-1")));
        await expert.Hub.StartAsync();
        await expert.Hub.InvokeAsync<object>("SetAvailability", "available");
        // 1280x800 at 200% zoom: a 640x400 CSS-pixel window with two device pixels each.
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 640, Height = 400 }, DeviceScaleFactor = 2, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/demo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Chat anoniem met een ervaringsdeskundige" }).ClickAsync();
        var frame = page.FrameLocator("iframe[title='Anonieme chat']");
        await frame.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        var assigned = await expert.Inbox.Next("ChatAssigned");
        var id = assigned.GetProperty("conversationId").GetString()!;
        await expert.SendAsync(id, "e1", "Fijn dat je er bent. Neem je tijd.");
        await frame.GetByLabel("Je bericht").FillAsync("Ik weet niet goed waar ik moet beginnen.");
        await frame.GetByLabel("Je bericht").PressAsync("Enter");
        await expert.SendAsync(id, "e2", "Dat geeft niets. Wat speelt er thuis?");
        await frame.GetByLabel("Je bericht").FillAsync("Mijn partner wordt snel boos.");
        await frame.GetByLabel("Je bericht").PressAsync("Enter");
        await Expect(frame.Locator("li.msg.visitor:not(.pending)")).ToHaveCountAsync(2);
        await Expect(frame.Locator("li.msg.expert")).ToHaveCountAsync(2);

        // The panel fills the window instead of floating as a 380 px box.
        var panel = (await page.Locator("iframe[title='Anonieme chat']").BoundingBoxAsync())!;
        Assert.True(panel.Width >= 630 && panel.Height >= 390, $"the widget is {panel.Width}x{panel.Height} in a 640x400 window");
        var chatFrame = page.Frames.Single(fr => fr.Url.Contains("/widget/"));
        var visible = await chatFrame.EvaluateAsync<int>(VisibleMessages);
        await page.ScreenshotAsync(new() { Path = NewUser.Shot("widget-200-percent-chat") });
        Assert.True(visible >= 3, $"{visible} messages fully visible at 200%");

        // After the chat: the expert's last words and the ended notice's heading first; then, one scroll of the column
        // further (no box scrolls inside it), the whole feedback question (all ten marks and "Versturen") at once.
        await expert.Hub.InvokeAsync("EndChat", id);
        var feedback = frame.Locator("#feedback");
        await Expect(feedback).ToBeVisibleAsync();
        await Expect(frame.Locator("li.msg.expert").Last).ToBeInViewportAsync(new() { Ratio = 1 });
        await Expect(frame.GetByRole(AriaRole.Heading, new() { Name = "Het gesprek is beëindigd" })).ToBeInViewportAsync(new() { Ratio = 1 });
        await page.ScreenshotAsync(new() { Path = NewUser.Shot("widget-200-percent-ended") });
        await feedback.EvaluateAsync("e => e.scrollIntoView({ block: 'end' })");
        await page.ScreenshotAsync(new() { Path = NewUser.Shot("widget-200-percent-feedback") });
        var clipped = await chatFrame.EvaluateAsync<string>(
            "() => { const view = document.documentElement.getBoundingClientRect(); const out = [];" +
            " for (const el of [...document.querySelectorAll('#score-choices label'), document.getElementById('feedback-send')]) {" +
            "  const r = el.getBoundingClientRect(); let box = el.parentElement; let hidden = r.bottom > window.innerHeight + 1 || r.top < -1;" +
            "  while (box && !hidden) { const s = getComputedStyle(box); if (/(auto|scroll|hidden)/.test(s.overflowY)) { const b = box.getBoundingClientRect(); if (r.bottom > b.bottom + 1 || r.top < b.top - 1) hidden = true; } box = box.parentElement; }" +
            "  if (hidden) out.push(el.textContent.trim()); } return out.join(', '); }");
        Assert.True(clipped == "", $"not visible together: {clipped}");
        await ctx.CloseAsync();
    }
}

public sealed class SmallThingsANewUserNoticesTests(CoolDownBrowserFixture f) : IClassFixture<CoolDownBrowserFixture>
{
    [Fact]
    public async Task FaviconsHeaderTrendAndTheCoolDownWhileOffline()
    {
        // The cool-down bar after a chat shows while on shift, not while Offline.
        var console = await NewUser.SignedInAsync(f, "expert2", "Demo-Expert-2", 1280, 800);
        await console.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" }).ClickAsync();
        await Expect(console.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToHaveAttributeAsync("aria-checked", "true");
        await using (var v = new Visitor(Attacks.AttackFixture.Hub(f.BaseUrl, "/hubs/visitor", address: "10.21.9.1")))
        {
            await v.Hub.StartAsync();
            await v.StartAsync();
            await Expect(console.Locator("button.chat-item")).ToHaveCountAsync(1);
            await v.Hub.InvokeAsync("LeaveChat");
        }
        await Expect(console.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await console.Keyboard.PressAsync("Escape");
        var pause = console.Locator(".cool-down");
        await Expect(pause).ToBeVisibleAsync();
        await console.GetByRole(AriaRole.Radio, new() { Name = "Offline" }).ClickAsync();
        await Expect(console.GetByRole(AriaRole.Radio, new() { Name = "Offline" })).ToHaveAttributeAsync("aria-checked", "true");
        await Expect(pause).ToBeHiddenAsync();
        await console.ScreenshotAsync(new() { Path = NewUser.Shot("console-offline-no-cool-down") });
        await console.GetByRole(AriaRole.Radio, new() { Name = "Pauze" }).ClickAsync();
        await Expect(pause).ToBeVisibleAsync();

        // With an expert on shift: a favicon of our own on / and /demo.
        var page = await f.Browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        foreach (var path in new[] { "/", "/demo" })
        {
            await page.GotoAsync(f.BaseUrl + path);
            var icon = await page.EvaluateAsync<string>(
                "async () => { const l = document.querySelector('link[rel=icon]'); if (!l) return 'none'; const r = await fetch(l.href); return r.ok ? r.headers.get('content-type') : String(r.status); }");
            Assert.StartsWith("image/svg+xml", icon);
        }

        // The desktop widget: the organisation's name whole, the minimise button drawn on the dark header.
        await page.GetByRole(AriaRole.Button, new() { Name = "Chat anoniem met een ervaringsdeskundige" }).ClickAsync();
        // A frame locator waits for the iframe (under load it may not be attached yet right after the click).
        var frame = page.FrameLocator("iframe[title='Anonieme chat']");
        await Expect(frame.Locator("#org-name")).ToHaveTextAsync("Samen Verder");
        Assert.True(await frame.Locator("#org-name").EvaluateAsync<bool>("h => h.scrollWidth <= h.clientWidth"), "the organisation's name is cut");
        var min = await page.EvaluateAsync<string>("() => { const b = document.querySelector('#chat-widget-root, [data-chat-widget]')?.shadowRoot?.querySelector('.min') ?? [...document.querySelectorAll('*')].map(e => e.shadowRoot?.querySelector('.min')).find(Boolean); const s = getComputedStyle(b); return s.color + ' on ' + s.backgroundColor; }");
        Assert.Equal("rgb(255, 255, 255) on rgba(0, 0, 0, 0)", min);
        await page.ScreenshotAsync(new() { Path = NewUser.Shot("widget-desktop-header") });
        await page.CloseAsync();


        // The 12-week trend has a y axis with values.
        await StatisticsPageTests.SeedAsync(f);
        await console.Context.CloseAsync();
        var coordinator = await NewUser.SignedInAsync(f, "coordinator", "Demo-Coordinator-1", 1280, 800);
        await coordinator.GotoAsync(f.BaseUrl + "/console/statistics");
        await Expect(coordinator.Locator(".trend .tick")).Not.ToHaveCountAsync(0);
        Assert.True(await coordinator.Locator(".trend .tick").CountAsync() >= 2, "the trend has no axis values");
        await coordinator.Locator(".trend").ScrollIntoViewIfNeededAsync();
        await coordinator.ScreenshotAsync(new() { Path = NewUser.Shot("statistics-trend-axis") });
        await coordinator.Context.CloseAsync();
    }
}
