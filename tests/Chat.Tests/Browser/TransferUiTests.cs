using System.Net.Http.Json;
using Chat.Server.Conversations;
using Chat.Tests.Attacks;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>After a transfer the colleague who takes over sees whose words came before, in Chromium.</summary>
public sealed class TransferUiTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    /// <summary>A console signed in and available, in a browser context of its own.</summary>
    /// <summary>
    /// The coordinator's console (two chats at once) with a first chat open on screen and a second one arriving beside it
    /// (for the tests of one chat beside another). The caller disposes the two visitors.
    /// </summary>
    internal static async Task<(IPage Page, Visitor First, Visitor Second)> TwoChatsInTheCoordinatorsConsoleAsync(BrowserFixture f)
    {
        await CoordinatorTakesTwoChatsAsync(f);
        var page = await ConsoleAsync(f, "coordinator", "Demo-Coordinator-1");
        var first = new Visitor(AttackFixture.Hub(f.BaseUrl, "/hubs/visitor", address: null));
        var second = new Visitor(AttackFixture.Hub(f.BaseUrl, "/hubs/visitor", address: null));
        await first.Hub.StartAsync();
        await second.Hub.StartAsync();
        await first.StartAsync();
        await Expect(page.Locator("#reply")).ToBeVisibleAsync();
        await second.StartAsync();
        return (page, first, second);
    }

    private static async Task CoordinatorTakesTwoChatsAsync(BrowserFixture f)
    {
        var coordinator = await f.App.CoordinatorClientAsync();
        var accounts = await coordinator.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/accounts");
        var id = accounts.EnumerateArray().Single(a => a.GetProperty("userName").GetString() == "coordinator").GetProperty("id").GetString();
        (await coordinator.PutAsJsonAsync($"/api/accounts/{id}", new { maxChats = 2 })).EnsureSuccessStatusCode();
    }

    internal static async Task<IPage> ConsoleAsync(BrowserFixture f, string user, string password)
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

    private Task<IPage> ConsoleAsync(string user, string password) => ConsoleAsync(f, user, password);

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
        await sanne.GetByRole(AriaRole.Button, new() { Name = "Ja, overdragen" }).ClickAsync(); // the product's own dialog
        var earlier = ruben.Locator("li.msg.expert").First;
        await Expect(earlier).ToContainTextAsync("Ik ben Sanne");
        await Expect(earlier.Locator(".meta")).ToContainTextAsync("Vorige ervaringsdeskundige");
        await ruben.Locator("#reply").FillAsync("Hoi, ik ben Ruben.");
        await ruben.Locator("#reply").PressAsync("Enter");
        await Expect(ruben.Locator("li.msg.expert:not(.pending)").Last.Locator(".meta")).ToContainTextAsync("Jij");
        await ruben.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "console-after-transfer.png") });
    }
}

/// <summary>An expert with two chats: the one that ends never covers the other or takes its typing (own server: nobody else on shift).</summary>
public sealed class FormWhileChattingTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    private Task<IPage> ConsoleAsync(string user, string password) => TransferUiTests.ConsoleAsync(f, user, password);

    [Fact]
    public async Task AChatEndingBesideARunningOneNeverCoversItOrTakesItsTyping()
    {
        var (page, first, second) = await TransferUiTests.TwoChatsInTheCoordinatorsConsoleAsync(f);
        await using var _ = first;
        await using var __ = second;
        await Expect(page.GetByText(new System.Text.RegularExpressions.Regex(@"^Contactzoeker \d+ · "))).ToHaveCountAsync(2);

        // Typing in the chat on screen while the other one ends.
        await page.Locator("#reply").FillAsync("Ik lees met je mee");
        await page.Locator("#reply").FocusAsync();
        await second.Hub.InvokeAsync("LeaveChat"); // the chat not on screen ends
        await Expect(page.GetByText("Het contactformulier staat klaar")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Dialog, new() { Name = "Contactformulier na de chat" })).ToHaveCountAsync(0);
        Assert.Equal("reply", await page.EvaluateAsync<string>("() => document.activeElement?.id"));
        await Expect(page.Locator("#reply")).ToHaveValueAsync("Ik lees met je mee");
    }
}
