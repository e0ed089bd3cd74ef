using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Chat.Tests.Attacks;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// The console on a phone, the coordinator's pages at phone width, and the signs of news that a visitor or an expert
/// is not looking at (a minimised widget, another chat, a hidden tab). Each class has a server of its own.
/// </summary>
internal static class Phone
{
    /// <param name="mobile">A phone browser; it widens its layout viewport to content that overflows, so checks for
    /// sideways scrolling use a plain 390 px window instead.</param>
    public static async Task<IPage> ConsoleAsync(BrowserFixture f, string user, string password, string? availability = "Beschikbaar", bool mobile = true)
    {
        var ctx = await f.Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 390, Height = 844 }, Locale = "nl-NL", IsMobile = mobile, HasTouch = mobile,
        });
        var page = await ctx.NewPageAsync();
        page.Dialog += async (_, d) => await d.AcceptAsync();
        await page.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(page, user, password);
        if (availability is not null)
        {
            var radio = page.GetByRole(AriaRole.Radio, new() { Name = availability });
            await radio.ClickAsync();
            await Expect(radio).ToHaveAttributeAsync("aria-checked", "true");
        }
        return page;
    }

    /// <summary>True when the point in the middle of the element shows the element itself (nothing lies over it).</summary>
    public static Task<bool> UncoveredAsync(ILocator locator) => locator.EvaluateAsync<bool>(
        "el => { const r = el.getBoundingClientRect(); const x = r.left + r.width / 2, y = r.top + Math.min(r.height / 2, 60);" +
        " const top = document.elementFromPoint(x, y); return !!top && (top === el || el.contains(top)); }");

    /// <summary>Asserts that the page is no wider than its 390 px window; else names what sticks out.</summary>
    public static async Task AssertNoSidewaysScrollAsync(IPage page, string what)
    {
        var wide = await page.EvaluateAsync<string>(
            "() => document.documentElement.scrollWidth <= window.innerWidth && window.innerWidth <= 390 ? '' : " +
            "`${document.documentElement.scrollWidth} > ${window.innerWidth}: ` + [...document.querySelectorAll('body *')]" +
            ".filter(e => e.getBoundingClientRect().right > 391 && !e.parentElement?.closest('.table-scroll')).slice(0, 6)" +
            ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + getComputedStyle(e).overflowX + ' ' + getComputedStyle(e).display).join(', ')");
        Assert.True(wide == "", $"{what} scrolls sideways: {wide}");
    }
}

public sealed class ConsoleOnAPhoneTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task TheOpenChatComesFirstOnAPhoneWithItsMessagesVisibleAndUncovered()
    {
        var page = await Phone.ConsoleAsync(f, "expert1", "Demo-Expert-1");
        await using var visitor = new Visitor(AttackFixture.Hub(f.BaseUrl, "/hubs/visitor", address: null));
        await visitor.Hub.StartAsync();
        await visitor.StartAsync();
        await visitor.SendAsync("m1", "Ik weet niet goed waar ik moet beginnen.");
        await visitor.SendAsync("m2", "Het gaat over thuis.");

        var messages = page.Locator("ol.messages");
        await Expect(messages.Locator("li.msg.visitor")).ToHaveCountAsync(2);
        await page.Locator("#reply").FillAsync("Neem je tijd. Ik lees mee.");
        await page.Locator("#reply").PressAsync("Enter");
        await Expect(messages.Locator("li.msg.expert:not(.pending)")).ToHaveCountAsync(1);

        // One column: the list of messages is on the first screen, nothing lies over it, and it comes before the queue.
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Expect(messages.Locator("li.msg.visitor").First).ToBeInViewportAsync();
        Assert.True(await Phone.UncoveredAsync(messages), "something lies over the message list");
        var list = (await messages.BoundingBoxAsync())!;
        Assert.True(list.Height >= 150, $"message list is {list.Height} px high");
        Assert.True(list.Width >= 340, $"message list is {list.Width} px wide");
        var queue = (await page.GetByRole(AriaRole.Heading, new() { Name = "Wachtrij" }).BoundingBoxAsync())!;
        Assert.True(queue.Y > list.Y + list.Height, "the queue box goes below the open chat");
        await Phone.AssertNoSidewaysScrollAsync(page, "the console");
        await page.ScreenshotAsync(new() { Path = Visit.Shot("console-phone-chat") });

        // The composer is reachable and not covered either.
        await page.Locator("#reply").ScrollIntoViewIfNeededAsync();
        Assert.True(await Phone.UncoveredAsync(page.Locator("#reply")), "something lies over the reply box");

        // The bar's links fold behind "Menu".
        var signOut = page.GetByRole(AriaRole.Button, new() { Name = "Uitloggen" });
        await Expect(signOut).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Menu" }).ClickAsync();
        await Expect(signOut).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Menu" })).ToHaveAttributeAsync("aria-expanded", "true");
        await page.ScreenshotAsync(new() { Path = Visit.Shot("console-phone-menu"), FullPage = true });
        await page.Context.CloseAsync();
    }
}

public sealed class CoordinatorPagesOnAPhoneTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task StatisticsAccountsAndBlocksDoNotScrollSidewaysAt390Pixels()
    {
        await StatisticsPageTests.SeedAsync(f);
        var page = await Phone.ConsoleAsync(f, "coordinator", "Demo-Coordinator-1", availability: null, mobile: false);

        await page.GotoAsync(f.BaseUrl + "/console/statistics");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Kwartaal" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Belasting per ervaringsdeskundige" })).ToBeVisibleAsync();
        await Expect(page.Locator(".card-value").First).Not.ToHaveTextAsync("0");
        await Phone.AssertNoSidewaysScrollAsync(page, "statistics");
        // Wide tables scroll in their own named box instead, and every column header has a text.
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Belasting per ervaringsdeskundige (schuift opzij op een smal scherm)" })).ToBeVisibleAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("() => [...document.querySelectorAll('th')].filter(th => !th.textContent.trim()).length"));
        await page.ScreenshotAsync(new() { Path = Visit.Shot("statistics-phone"), FullPage = true });
        await page.ScreenshotAsync(new() { Path = Visit.Shot("statistics-phone-top") });
        await page.GetByRole(AriaRole.Heading, new() { Name = "Belasting per ervaringsdeskundige" }).ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Visit.Shot("statistics-phone-workload") });

        await page.GotoAsync(f.BaseUrl + "/console/accounts");
        await Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = "expert1", Exact = true })).ToBeVisibleAsync();
        await Phone.AssertNoSidewaysScrollAsync(page, "accounts");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Alle accounts" })).ToBeVisibleAsync();
        // A card per account on a phone: nothing of it scrolls sideways or is cut off ("als slachtoffe…" was), each
        // field with its column's name in front; still a table with its row headers.
        Assert.True(await page.EvaluateAsync<bool>("() => { const b = document.querySelector('.table-scroll'); return b.scrollWidth <= b.clientWidth; }"),
            "the accounts table scrolls sideways in its box at 390 px");
        Assert.True(await page.EvaluateAsync<bool>("() => [...document.querySelectorAll('.accounts-table select, .accounts-table input, .accounts-table button')].every(e => e.getBoundingClientRect().right <= 390)"),
            "a field of the accounts table ends beyond 390 px");
        Assert.NotEqual("none", await page.Locator(".accounts-table td[data-label=Ervaring]").First.EvaluateAsync<string>("td => getComputedStyle(td, '::before').content"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => [...document.querySelectorAll('th')].filter(th => !th.textContent.trim()).length"));
        await page.ScreenshotAsync(new() { Path = Visit.Shot("accounts-phone"), FullPage = true });

        await page.GotoAsync(f.BaseUrl + "/console/blocks");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Blokkades", Level = 1 })).ToBeVisibleAsync();
        await Phone.AssertNoSidewaysScrollAsync(page, "blocks");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheConsoleAndTheWidgetHaveAFaviconOfTheirOwnOrigin()
    {
        var page = await f.Browser.NewPageAsync();
        foreach (var path in new[] { "/console/login", "/widget/" })
        {
            await page.GotoAsync(f.BaseUrl + path);
            var icon = await page.EvaluateAsync<string>(
                "async () => { const l = document.querySelector('link[rel=icon]'); if (!l || new URL(l.href).origin !== location.origin) return 'none';" +
                " const r = await fetch(l.href); return r.ok ? r.headers.get('content-type') : String(r.status); }");
            Assert.StartsWith("image/svg+xml", icon);
        }
        await page.CloseAsync();
    }
}

public sealed class MinimisedWidgetBadgeTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AMinimisedWidgetShowsACountWhenTheExpertWritesAndClearsItWhenOpened()
    {
        var (expertCtx, expert) = await Visit.ExpertAsync(f, "expert1", "Demo-Expert-1", "Beschikbaar");
        var (ctx, page, chat) = await Visit.VisitorAsync(f, 390, 844, phone: true);
        await page.GotoAsync(f.BaseUrl + "/demo");
        var hostTitle = await page.TitleAsync();
        await Visit.StartActiveChatAsync(page, chat, expert);
        await Expect(page).ToHaveTitleAsync(hostTitle); // the panel is open: no count

        await page.GetByRole(AriaRole.Button, new() { Name = "Chat verkleinen" }).ClickAsync();
        var launcher = page.GetByRole(AriaRole.Button, new() { Name = Visit.Launcher });
        await Expect(launcher).ToBeVisibleAsync();
        await expert.Locator("#reply").FillAsync("Ben je er nog?");
        await expert.Locator("#reply").PressAsync("Enter");

        await Expect(launcher).ToHaveAccessibleNameAsync(new Regex("1 nieuw bericht"));
        await Expect(launcher.Locator(".badge")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-chat-widget] [role=status]")).ToHaveTextAsync("1 nieuw bericht");
        await Expect(page).ToHaveTitleAsync("(1) " + hostTitle);
        await page.ScreenshotAsync(new() { Path = Visit.Shot("widget-minimised-badge-390") });

        await expert.Locator("#reply").FillAsync("Ik wacht rustig.");
        await expert.Locator("#reply").PressAsync("Enter");
        await Expect(launcher).ToHaveAccessibleNameAsync(new Regex("2 nieuwe berichten"));
        await Expect(page).ToHaveTitleAsync("(2) " + hostTitle);

        await launcher.ClickAsync();
        await Expect(chat.Locator("li.msg.expert").Last).ToHaveTextAsync(new Regex("Ik wacht rustig."));
        await Expect(page).ToHaveTitleAsync(hostTitle);
        await page.GetByRole(AriaRole.Button, new() { Name = "Chat verkleinen" }).ClickAsync();
        await Expect(launcher).Not.ToHaveAccessibleNameAsync(new Regex("nieuw"));
        await Expect(launcher.Locator(".badge")).ToBeHiddenAsync();

        await ctx.CloseAsync();
        await expertCtx.CloseAsync();
    }
}

public sealed class ConsoleUnreadTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AMessageInAnotherChatGetsACountOnItsItemAndAHiddenTabCountsInTheTitle()
    {
        var (page, first, second) = await TransferUiTests.TwoChatsInTheCoordinatorsConsoleAsync(f);
        await using var _ = first;
        await using var __ = second;
        var items = page.Locator("button.chat-item");
        await Expect(items).ToHaveCountAsync(2);
        await Expect(items.Nth(0)).ToHaveAttributeAsync("aria-current", "true");

        // The chat not on screen: a count on its item (with a text for screen readers) and a polite announcement.
        await second.SendAsync("s1", "Hallo? Is daar iemand?");
        await Expect(items.Nth(1).Locator(".badge")).ToBeVisibleAsync();
        await Expect(items.Nth(1)).ToHaveAccessibleNameAsync(new Regex("1 nieuw bericht"));
        await Expect(page.Locator("#app > .sr-only[role=status]")).ToContainTextAsync("Nieuw bericht in een ander gesprek");
        await Expect(items.Nth(0).Locator(".badge")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Visit.Shot("console-unread") });

        // Opening it clears the count.
        await items.Nth(1).ClickAsync();
        await Expect(page.Locator("li.msg.visitor")).ToHaveTextAsync(new Regex("Is daar iemand"));
        await Expect(page.Locator("button.chat-item .badge")).ToHaveCountAsync(0);

        // With the tab hidden, a message (also in the chat on screen) counts in the title until the tab is seen again.
        await page.EvaluateAsync("() => document.dispatchEvent(new Event('visibilitychange'))"); // seen: no count left
        var title = await page.TitleAsync();
        Assert.DoesNotMatch(@"^\(\d+\)", title);
        await page.EvaluateAsync("() => { Object.defineProperty(document, 'hidden', { configurable: true, get: () => true }); document.dispatchEvent(new Event('visibilitychange')); }");
        await second.SendAsync("s2", "Ik wacht wel even.");
        await first.SendAsync("f1", "Ben je er nog?");
        await Expect(page).ToHaveTitleAsync(new Regex(@"^\(2\) Nieuw bericht"));
        await page.EvaluateAsync("() => { Object.defineProperty(document, 'hidden', { configurable: true, get: () => false }); document.dispatchEvent(new Event('visibilitychange')); }");
        await Expect(page).ToHaveTitleAsync(title);
        await page.Context.CloseAsync();
    }
}

public sealed class EnglishWidgetTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task TheEndedScreenSpeaksEnglishWhenTheWidgetDoes()
    {
        var (expertCtx, expert) = await Visit.ExpertAsync(f, "expert1", "Demo-Expert-1", "Beschikbaar");
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, Locale = "en-GB" });
        var page = await ctx.NewPageAsync();
        page.Dialog += async (_, d) => await d.AcceptAsync();
        await page.GotoAsync(f.BaseUrl + "/widget/?lang=en");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the chat" }).ClickAsync();
        await Expect(page.GetByText("You are talking with Sanne, expert by experience.")).ToBeVisibleAsync();
        await expert.Locator("#reply").FillAsync("Take care.");
        await expert.Locator("#reply").PressAsync("Enter");
        await Expect(page.Locator("li.msg.expert").Last).ToHaveTextAsync(new Regex("Take care."));

        await expert.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" }).ClickAsync();
        await expert.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" }).ClickAsync(); // the product's own dialog
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "The conversation has ended" })).ToBeVisibleAsync();
        await Expect(page.GetByText("Sanne ended the conversation. Thank you for reaching out.")).ToBeVisibleAsync();
        await Expect(page.GetByText("The conversation is still above, only on this screen.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "New conversation" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Visit.Shot("widget-ended-en-390") });

        await page.GetByRole(AriaRole.Button, new() { Name = "Close conversation" }).ClickAsync();
        await Expect(page.GetByText("The conversation was not saved on this device. You are always welcome to chat again.")).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        // Nothing Dutch left on the screen but the button that switches to Dutch.
        var text = await page.Locator("body").InnerTextAsync();
        Assert.DoesNotMatch("gesprek|beëindigd|Fijn dat", text);

        await ctx.CloseAsync();
        await expertCtx.CloseAsync();
    }
}
