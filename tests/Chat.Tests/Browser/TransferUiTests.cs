using Chat.Server.Conversations;
using Chat.Tests.Attacks;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>After a transfer the colleague who takes over sees whose words came before, in Chromium.</summary>
public sealed class TransferUiTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    private async Task<IPage> ConsoleAsync(string user, string password)
    {
        var ctx = await f.Browser.NewContextAsync(new() { Locale = "nl-NL", ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await ctx.NewPageAsync();
        page.Dialog += async (_, d) => await d.AcceptAsync();
        await page.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(page, user, password);
        await page.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToHaveAttributeAsync("aria-checked", "true");
        return page;
    }

    [Fact]
    public async Task TheColleagueWhoTakesOverSeesTheEarlierExpertsWordsAsThePreviousExperts()
    {
        var sanne = await ConsoleAsync("expert1", "Demo-Expert-1");
        await using var visitor = new Visitor(AttackFixture.Hub(f.BaseUrl, "/hubs/visitor", address: null));
        await visitor.Hub.StartAsync();
        await visitor.StartAsync();
        await Expect(sanne.Locator("#reply")).ToBeVisibleAsync();
        await sanne.Locator("#reply").FillAsync("Ik ben Sanne. Ik geef je zo door aan een collega.");
        await sanne.Locator("#reply").PressAsync("Enter");
        await Expect(sanne.Locator("li.msg.expert:not(.pending)")).ToHaveCountAsync(1);
        await Expect(sanne.Locator("li.msg.expert .meta")).ToContainTextAsync("Jij");

        var ruben = await ConsoleAsync("expert2", "Demo-Expert-2");
        await sanne.GetByRole(AriaRole.Button, new() { Name = "Overdragen" }).ClickAsync();
        var earlier = ruben.Locator("li.msg.expert").First;
        await Expect(earlier).ToContainTextAsync("Ik ben Sanne");
        await Expect(earlier.Locator(".meta")).ToContainTextAsync("Vorige ervaringsdeskundige");
        await ruben.Locator("#reply").FillAsync("Hoi, ik ben Ruben.");
        await ruben.Locator("#reply").PressAsync("Enter");
        await Expect(ruben.Locator("li.msg.expert:not(.pending)").Last.Locator(".meta")).ToContainTextAsync("Jij");
        await ruben.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "console-after-transfer.png") });
    }
}
