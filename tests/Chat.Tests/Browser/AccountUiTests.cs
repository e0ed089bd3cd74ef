using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>An expert changes their own password in the console and signs out on a shared computer, in Chromium.</summary>
public sealed class AccountUiTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AnExpertChangesTheirPasswordAndSigningOutReallyEndsTheSession()
    {
        await using var ctx = await f.Browser.NewContextAsync(new() { Locale = "nl-NL", ViewportSize = new() { Width = 1280, Height = 800 } });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(page, "expert2", "Demo-Expert-2");
        await page.GetByRole(AriaRole.Link, new() { Name = "Wachtwoord wijzigen" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Wachtwoord wijzigen" })).ToBeVisibleAsync();

        // A well-known password is refused with the reason next to the field.
        await page.GetByLabel("Huidig wachtwoord").FillAsync("Demo-Expert-2");
        await page.GetByLabel("Nieuw wachtwoord", new() { Exact = true }).FillAsync("Password1234");
        await page.GetByLabel("Nieuw wachtwoord nog een keer").FillAsync("Password1234");
        await page.GetByRole(AriaRole.Button, new() { Name = "Wachtwoord wijzigen" }).ClickAsync();
        await Expect(page.GetByText("te makkelijk te raden")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "console-change-password.png") });

        await page.GetByLabel("Nieuw wachtwoord", new() { Exact = true }).FillAsync("Fiets-Boom-Lantaarn-8");
        await page.GetByLabel("Nieuw wachtwoord nog een keer").FillAsync("Fiets-Boom-Lantaarn-8");
        await page.GetByRole(AriaRole.Button, new() { Name = "Wachtwoord wijzigen" }).ClickAsync();
        await Expect(page.GetByText("Je wachtwoord is gewijzigd")).ToBeVisibleAsync();

        // Signing out on a shared computer: the next person is not the expert.
        await page.GetByRole(AriaRole.Link, new() { Name = "Terug naar de console" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Uitloggen" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/login"));
        await page.GotoAsync(f.BaseUrl + "/console");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/console/login"));
        var api = await page.APIRequest.GetAsync(f.BaseUrl + "/api/auth/me");
        Assert.Equal(401, api.Status);

        var old = await f.App.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = "expert2", password = "Demo-Expert-2" });
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        await f.App.SignedInClientAsync("expert2", "Fiets-Boom-Lantaarn-8");
    }
}
