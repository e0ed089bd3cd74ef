using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// What a visitor in danger must be able to trust, in a real browser: quick exit from the host page (Shift three
/// times) forgets the chat and ends it on the server; Esc never leaves; the expert's last words stay readable after
/// the end; the visitor hears when the expert's connection drops; the emergency numbers are tap-to-call.
/// Each class has its own server, so no expert of one test is matched with the visitor of another.
/// </summary>
internal static class Visit
{
    public const string Launcher = "Chat anoniem met een ervaringsdeskundige";
    public static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDir, name + ".png");

    public static async Task<(IBrowserContext, IPage)> ExpertAsync(BrowserFixture f, string user, string password, string availability)
    {
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        page.Dialog += async (_, d) => await d.AcceptAsync();
        await page.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(page, user, password);
        var radio = page.GetByRole(AriaRole.Radio, new() { Name = availability });
        await radio.ClickAsync();
        await Expect(radio).ToHaveAttributeAsync("aria-checked", "true");
        return (ctx, page);
    }

    /// <summary>A visitor on the demo site; the neutral site is answered locally, so no request leaves.</summary>
    public static async Task<(IBrowserContext, IPage, IFrameLocator)> VisitorAsync(BrowserFixture f, int width = 1200, int height = 820, bool phone = false, float? scale = null)
    {
        var ctx = await f.Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height }, Locale = "nl-NL", IsMobile = phone, HasTouch = phone,
            DeviceScaleFactor = scale,
        });
        var page = await ctx.NewPageAsync();
        page.Dialog += async (_, d) => await d.AcceptAsync();
        await page.RouteAsync(BrowserFixture.QuickExitUrl + "**", r => r.FulfillAsync(new() { Body = "<title>Weer</title>neutral", ContentType = "text/html" }));
        return (ctx, page, page.FrameLocator("iframe[title='Anonieme chat']"));
    }

    public static async Task OpenWidgetAsync(IPage page)
    {
        var launcher = page.GetByRole(AriaRole.Button, new() { Name = Launcher });
        await Expect(launcher).ToBeVisibleAsync();
        await launcher.ClickAsync();
    }

    /// <summary>Starts a chat and waits until the (only available) expert Sanne has it.</summary>
    public static async Task StartActiveChatAsync(IPage page, IFrameLocator chat, IPage expert)
    {
        await OpenWidgetAsync(page);
        await chat.GetByText("Wil je iets over jezelf vertellen").ClickAsync(); // the other questions are folded
        await chat.GetByLabel("Ik voel me thuis niet veilig").CheckAsync();
        await chat.Locator("input[name=follow][value=no]").CheckAsync();
        await chat.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(chat.GetByText("Je praat met Sanne, ervaringsdeskundige.")).ToBeVisibleAsync();
        await Expect(expert.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" })).ToBeVisibleAsync();
    }

    public static async Task VisitorSaysAsync(IFrameLocator chat, IPage expert, string text)
    {
        await chat.GetByLabel("Je bericht").FillAsync(text);
        await chat.GetByLabel("Je bericht").PressAsync("Enter");
        await Expect(expert.Locator("li.msg.visitor").Last).ToHaveTextAsync(new Regex(Regex.Escape(text)));
    }

    public static async Task ExpertSaysAsync(IPage expert, IFrameLocator chat, string text)
    {
        await expert.Locator("#reply").FillAsync(text);
        await expert.Locator("#reply").PressAsync("Enter");
        await Expect(chat.Locator("li.msg.expert").Last).ToHaveTextAsync(new Regex(Regex.Escape(text)));
    }
}

public sealed class QuickExitFromHostPageTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ShiftThreeTimesOnTheHostPageLeavesEndsTheChatAndBackShowsAFreshStart()
    {
        var (expertCtx, expert) = await Visit.ExpertAsync(f, "expert1", "Demo-Expert-1", "Beschikbaar");
        var (ctx, page, chat) = await Visit.VisitorAsync(f);
        // Two pages of the site in this tab: Back after the exit lands on the first one.
        await page.GotoAsync(f.BaseUrl + "/demo");
        await page.GotoAsync(f.BaseUrl + "/demo?pagina=2");
        await Visit.StartActiveChatAsync(page, chat, expert);
        await Visit.VisitorSaysAsync(chat, expert, "Hij kan elk moment thuiskomen.");

        // Focus on the host page, not in the chat.
        await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).ClickAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.activeElement === document.body || !document.activeElement?.closest('[data-chat-widget]')"));
        await page.Keyboard.PressAsync("Shift");
        await page.Keyboard.PressAsync("Shift");
        await page.Keyboard.PressAsync("Shift");
        await page.WaitForURLAsync(BrowserFixture.QuickExitUrl);
        await Expect(page).ToHaveTitleAsync("Weer");

        // The chat ended on the server although the page is gone: the expert is told at once.
        await Expect(expert.GetByText("De contactzoeker heeft het gesprek beëindigd.")).ToBeVisibleAsync();

        // Back (the exit replaced the chat page, so this is the first page) and reopening the widget: a fresh start.
        await page.GoBackAsync();
        await Expect(page).ToHaveURLAsync(f.BaseUrl + "/demo");
        await Visit.OpenWidgetAsync(page);
        await Expect(chat.GetByRole(AriaRole.Button, new() { Name = "Start de chat" })).ToBeVisibleAsync();
        await Expect(chat.Locator("li.msg")).ToHaveCountAsync(0);
        await Expect(chat.GetByText("Hij kan elk moment thuiskomen.")).ToHaveCountAsync(0);
        var frame = page.Frames.First(fr => fr.Url.Contains("/widget/"));
        Assert.Equal(0, await frame.EvaluateAsync<int>("() => sessionStorage.length + localStorage.length"));

        await ctx.CloseAsync();
        await expertCtx.CloseAsync();
    }
}

public sealed class QuickExitWithTheWidgetClosedTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ShiftThreeTimesOnANewPageOfTheSiteEndsAChatStoredInThisTabAlthoughTheWidgetWasNotOpened()
    {
        var (expertCtx, expert) = await Visit.ExpertAsync(f, "expert1", "Demo-Expert-1", "Beschikbaar");
        var (ctx, page, chat) = await Visit.VisitorAsync(f);
        await page.GotoAsync(f.BaseUrl + "/demo");
        await Visit.StartActiveChatAsync(page, chat, expert);

        // Another page of the site in the same tab: the chat is still stored (this tab, chat origin), the widget closed.
        await page.GotoAsync(f.BaseUrl + "/demo?pagina=2");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = Visit.Launcher })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).ClickAsync();
        // The first Shift loads the small exit page of the chat origin; a person's next two presses come some 200 ms
        // later, by which time it is ready. On this busy test machine it may take longer than the two seconds in which
        // three presses count (then the first press has lapsed), so the test waits for it and presses three times more:
        // the exit comes at the third press that counts, the third or the fourth (a press after it changes nothing).
        await page.Keyboard.PressAsync("Shift");
        await Expect(page.Locator("iframe[src$='/widget/exit.html'][data-ready]")).ToBeAttachedAsync();
        for (var i = 0; i < 3 && !page.Url.StartsWith(BrowserFixture.QuickExitUrl, StringComparison.Ordinal); i++)
            await page.Keyboard.PressAsync("Shift");
        await page.WaitForURLAsync(BrowserFixture.QuickExitUrl);
        await Expect(page).ToHaveTitleAsync("Weer");
        await Expect(expert.GetByText("De contactzoeker heeft het gesprek beëindigd.")).ToBeVisibleAsync();

        await page.GotoAsync(f.BaseUrl + "/demo");
        await Visit.OpenWidgetAsync(page);
        await Expect(chat.GetByRole(AriaRole.Button, new() { Name = "Start de chat" })).ToBeVisibleAsync();
        await Expect(chat.Locator("li.msg")).ToHaveCountAsync(0);

        await ctx.CloseAsync();
        await expertCtx.CloseAsync();
    }
}

public sealed class EscapeDoesNotLeaveTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task EscapeWhileTypingInTheWidgetOrOnTheHostPageLeavesNothingAndTheChatGoesOn()
    {
        var (expertCtx, expert) = await Visit.ExpertAsync(f, "expert1", "Demo-Expert-1", "Beschikbaar");
        var (ctx, page, chat) = await Visit.VisitorAsync(f);
        await page.GotoAsync(f.BaseUrl + "/demo");
        await Visit.StartActiveChatAsync(page, chat, expert);

        // Esc in the middle of typing: what was typed stays, and is sent.
        await chat.GetByLabel("Je bericht").FillAsync("Ik twijfel of ik");
        await chat.GetByLabel("Je bericht").PressAsync("Escape");
        await Expect(chat.GetByLabel("Je bericht")).ToHaveValueAsync("Ik twijfel of ik");
        await chat.GetByLabel("Je bericht").PressAsync("Enter");
        await Expect(expert.Locator("li.msg.visitor").Last).ToHaveTextAsync(new Regex("Ik twijfel of ik"));

        // Esc with focus on the host page: the expert's next message still arrives on this page.
        await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).ClickAsync();
        await page.Keyboard.PressAsync("Escape");
        await Visit.ExpertSaysAsync(expert, chat, "Neem de tijd, ik ben er.");
        Assert.StartsWith(f.BaseUrl + "/demo", page.Url);
        await Expect(chat.GetByText("Je praat met Sanne, ervaringsdeskundige.")).ToBeVisibleAsync();

        // Shift twice with other keys in between (typing capitals) is not a quick exit either.
        await chat.GetByLabel("Je bericht").FocusAsync();
        foreach (var key in new[] { "Shift", "KeyA", "Shift", "KeyB", "Shift" }) await page.Keyboard.PressAsync(key);
        await Visit.VisitorSaysAsync(chat, expert, "ab nog steeds hier");
        Assert.StartsWith(f.BaseUrl + "/demo", page.Url);

        await ctx.CloseAsync();
        await expertCtx.CloseAsync();
    }
}

public sealed class ExpertEndsChatTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    // A desktop, a phone, and 1280x800 at 200% zoom (640x400 CSS pixels, two device pixels each).
    public static readonly TheoryData<int, int, bool, float> Sizes = new() { { 1280, 800, false, 1 }, { 390, 844, true, 3 }, { 640, 400, false, 2 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task VisitorReadsTheExpertsLastWordsAboveTheEndedNoticeAndNewConversationStartsEmpty(int width, int height, bool phone, float scale)
    {
        var (expertCtx, expert) = await Visit.ExpertAsync(f, "expert1", "Demo-Expert-1", "Beschikbaar");
        var (ctx, page, chat) = await Visit.VisitorAsync(f, width, height, phone, scale);
        await page.GotoAsync(f.BaseUrl + "/demo");
        await Visit.StartActiveChatAsync(page, chat, expert);
        await Visit.VisitorSaysAsync(chat, expert, "Dank je, ik ga nu.");
        const string lastWords = "Als het thuis weer misgaat: bel 112, of Veilig Thuis op 0800-2000. Pas goed op jezelf.";
        await Visit.ExpertSaysAsync(expert, chat, lastWords);
        // The widget's minimise button (on the host page) sits within the chat's header at every size, also at 200%
        // where the header is lower; and the chat's header and main are told apart from the host page's (axe).
        var min = (await page.Locator("button.min").BoundingBoxAsync())!;
        var top = (await chat.Locator(".top").BoundingBoxAsync())!;
        Assert.True(min.Y + min.Height <= top.Y + top.Height, $"the minimise button ends at {min.Y + min.Height}, the header at {top.Y + top.Height}");
        var axe = await page.RunAxe();
        Assert.DoesNotContain("landmark-unique", axe.Violations.Select(v => v.Id));

        await expert.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" }).ClickAsync();
        await expert.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" }).ClickAsync(); // the product's own dialog
        await Expect(chat.GetByRole(AriaRole.Heading, new() { Name = "Het gesprek is beëindigd" })).ToBeVisibleAsync();
        // By the name the visitor knew the expert by.
        await Expect(chat.GetByText("Sanne heeft het gesprek beëindigd.")).ToBeVisibleAsync();
        await Expect(chat.Locator("li.msg.expert")).ToHaveTextAsync(new Regex("bel 112"));
        // Right after the end, without scrolling: the expert's last words whole, and under them the ended notice's
        // heading, which has the focus (Enter typed on must not start a new chat). The feedback question follows below.
        var heading = chat.GetByRole(AriaRole.Heading, new() { Name = "Het gesprek is beëindigd" });
        await Expect(heading).ToBeFocusedAsync();
        await Expect(chat.Locator("li.msg.expert")).ToBeInViewportAsync(new() { Ratio = 1 });
        await Expect(heading).ToBeInViewportAsync(new() { Ratio = 1 });
        await Expect(chat.Locator("#feedback")).ToBeVisibleAsync();
        var order = await chat.Locator("#screen-chat").EvaluateAsync<int>("(c) => c.compareDocumentPosition(document.getElementById('screen-ended'))");
        Assert.True((order & 4) != 0, "the ended notice comes after the conversation in the page (reading and focus order)");
        await page.ScreenshotAsync(new() { Path = Visit.Shot($"widget-ended-transcript-{width}x{height}") });
        await Expect(chat.GetByLabel("Je bericht")).ToBeHiddenAsync(); // read-only now
        var frame = page.Frames.First(fr => fr.Url.Contains("/widget/"));
        Assert.Equal(0, await frame.EvaluateAsync<int>("() => sessionStorage.length + localStorage.length"));

        await chat.GetByRole(AriaRole.Button, new() { Name = "Nieuw gesprek" }).ClickAsync();
        await Expect(chat.GetByRole(AriaRole.Button, new() { Name = "Start de chat" })).ToBeVisibleAsync();
        await Expect(chat.Locator("li.msg")).ToHaveCountAsync(0);
        await Expect(chat.GetByLabel("Ik voel me thuis niet veilig")).Not.ToBeCheckedAsync();
        await Expect(chat.Locator("input[name=follow][value=no]")).Not.ToBeCheckedAsync();
        // A new conversation's questions start unanswered: "Zeg ik liever niet" is there to choose, never pre-selected.
        await Expect(chat.Locator("input[name=about]:checked, input[name=follow]:checked, input[name=danger]:checked")).ToHaveCountAsync(0);

        await ctx.CloseAsync();
        await expertCtx.CloseAsync();
    }
}

public sealed class ExpertAwayTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task VisitorIsToldCalmlyWhenTheExpertsConnectionDrops()
    {
        var (expertCtx, expert) = await Visit.ExpertAsync(f, "expert1", "Demo-Expert-1", "Beschikbaar");
        var (ctx, page, chat) = await Visit.VisitorAsync(f);
        await page.GotoAsync(f.BaseUrl + "/demo");
        await Visit.StartActiveChatAsync(page, chat, expert);
        await Visit.ExpertSaysAsync(expert, chat, "Ik lees met je mee.");
        var away = chat.GetByText("De verbinding met de ervaringsdeskundige is even weg. Je berichten blijven bewaard.");
        await Expect(away).ToBeHiddenAsync();

        await expertCtx.CloseAsync();
        await Expect(away).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await page.ScreenshotAsync(new() { Path = Visit.Shot("widget-expert-away") });

        await ctx.CloseAsync();
    }
}

public sealed class EmergencyLineOnAPhoneTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task EmergencyNumbersAreTapToCallAndMinimiseIsWellApartFromQuickExit()
    {
        var (expertCtx, expert) = await Visit.ExpertAsync(f, "expert1", "Demo-Expert-1", "Pauze");
        var (ctx, page, chat) = await Visit.VisitorAsync(f, 390, 844, phone: true);
        await page.GotoAsync(f.BaseUrl + "/demo");
        await Visit.OpenWidgetAsync(page);
        await chat.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(chat.GetByText("Je bent de volgende")).ToBeVisibleAsync();

        var emergency = chat.Locator("#emergency");
        await Expect(emergency.Locator("a[href='tel:112']")).ToHaveTextAsync("112");
        await Expect(emergency.Locator("a[href='tel:08002000']")).ToHaveTextAsync("0800-2000");
        await Expect(emergency.GetByRole(AriaRole.Link, new() { Name = "112" })).ToBeVisibleAsync();

        var exit = await chat.GetByRole(AriaRole.Button, new() { Name = "Snel weg" }).BoundingBoxAsync();
        var minimise = await page.GetByRole(AriaRole.Button, new() { Name = "Chat verkleinen" }).BoundingBoxAsync();
        Assert.NotNull(exit);
        Assert.NotNull(minimise);
        Assert.True(minimise.X - (exit.X + exit.Width) >= 20, $"gap between Snel weg and minimise: {minimise.X - (exit.X + exit.Width)} px");
        Assert.True(minimise.Width >= 40 && minimise.Height >= 40, "minimise is easy to hit");
        await page.ScreenshotAsync(new() { Path = Visit.Shot("widget-phone-390") });

        await ctx.CloseAsync();
        await expertCtx.CloseAsync();
    }
}
