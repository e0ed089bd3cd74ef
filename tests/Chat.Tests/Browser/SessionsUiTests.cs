using System.Net;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>"Waar ben je ingelogd" on the password page, in Chromium, with the keyboard: end another session, end all others.</summary>
public sealed class SessionsUiTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AnExpertSeesWhereTheyAreSignedInAndSignsOutElsewhereWithTheKeyboard()
    {
        await using var ctx = await f.Browser.NewContextAsync(new() { Locale = "nl-NL", ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(page, "expert1", "Demo-Expert-1");
        var phone = await f.App.SignedInClientAsync("expert1", "Demo-Expert-1");
        var tablet = await f.App.SignedInClientAsync("expert1", "Demo-Expert-1");

        await page.GotoAsync(f.BaseUrl + "/console/password");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Waar ben je ingelogd" })).ToBeVisibleAsync();
        var rows = page.Locator(".sessions-table tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.First).ToContainTextAsync("Chrome op Linux");
        await Expect(rows.First).ToContainTextAsync("Dit apparaat");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "console-sessions.png"), FullPage = true });

        // One other session, with the keyboard: focus its button and press Enter.
        var end = page.GetByRole(AriaRole.Button, new() { Name = "Uitloggen op Onbekende browser" }).First;
        await end.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByText("Je bent daar uitgelogd.")).ToBeVisibleAsync();
        await Expect(rows).ToHaveCountAsync(2);
        // Focus goes on to the next row's button, not lost to the top of the page.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Uitloggen op Onbekende browser" })).ToBeFocusedAsync();
        var ended = new[] { (await phone.GetAsync("/api/auth/me")).StatusCode, (await tablet.GetAsync("/api/auth/me")).StatusCode };
        Assert.Single(ended, HttpStatusCode.Unauthorized);

        // All others: only this browser is left, still signed in.
        await page.GetByRole(AriaRole.Button, new() { Name = "Overal anders uitloggen" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByText("Je bent op al je andere apparaten uitgelogd.")).ToBeVisibleAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.GetByText("Je bent nergens anders ingelogd.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Waar ben je ingelogd" })).ToBeFocusedAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tablet.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(200, (await page.APIRequest.GetAsync(f.BaseUrl + "/api/auth/me")).Status);
    }
}
