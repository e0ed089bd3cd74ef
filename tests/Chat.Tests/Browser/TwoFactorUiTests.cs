using System.Text.RegularExpressions;
using Chat.Tests.Accounts;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>The server on Kestrel with two-factor required for coordinators, and Debian's Chromium.</summary>
public sealed class TwoFactorBrowserFixture() : BrowserFixture(new() { ["Security:RequireTwoFactorForCoordinators"] = "true" });

public sealed class TwoFactorUiTests(TwoFactorBrowserFixture f) : IClassFixture<TwoFactorBrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDir, name + ".png");

    [Fact]
    public async Task CoordinatorSetsUpTwoFactorBeforeTheConsoleAndThenSignsInWithACode()
    {
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1100, Height = 1000 }, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/console/login");
        await BrowserFixture.SignInAsync(page, "coordinator", "Demo-Coordinator-1");

        // Sent to the set-up page before anything else; the way back to the console is not offered yet.
        await Expect(page).ToHaveURLAsync(new Regex("/console/two-factor$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Tweestapsverificatie", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("Als coördinator kun je pas verder")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "QR-code om deze console aan je authenticator-app te koppelen" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Terug naar de console" })).ToBeHiddenAsync();

        // Read the key as a person would type it into the app.
        var secret = (await page.Locator("#tfa-secret").TextContentAsync())!.Replace(" ", "");
        Assert.Matches("^[A-Z2-7]{16,}$", secret);
        await page.ScreenshotAsync(new() { Path = Shot("two-factor-setup"), FullPage = true });

        // A wrong code: said next to the field, focus back in it, nothing switched on.
        var code = page.GetByLabel("Code uit je authenticator-app");
        await Expect(code).ToHaveAttributeAsync("autocomplete", "one-time-code");
        await Expect(code).ToHaveAttributeAsync("inputmode", "numeric");
        await code.FillAsync(TwoFactorTests.Code(secret) == "000000" ? "111111" : "000000");
        await code.PressAsync("Enter");
        await Expect(page.GetByText("Deze code klopt niet")).ToBeVisibleAsync();
        await Expect(code).ToBeFocusedAsync();
        await Expect(code).ToHaveAttributeAsync("aria-invalid", "true");
        await page.ScreenshotAsync(new() { Path = Shot("two-factor-wrong-code"), FullPage = true });

        // The real code, sent with the keyboard.
        await code.FillAsync(TwoFactorTests.Code(secret));
        await code.PressAsync("Enter");
        var codesHeading = page.GetByRole(AriaRole.Heading, new() { Name = "Je herstelcodes" });
        await Expect(codesHeading).ToBeFocusedAsync();
        await Expect(page.GetByText("Bewaar deze codes op een veilige plek")).ToBeVisibleAsync();
        var recovery = page.Locator(".tfa-code-list li");
        await Expect(recovery).ToHaveCountAsync(10);
        var firstRecovery = (await recovery.First.TextContentAsync())!.Trim();
        await page.ScreenshotAsync(new() { Path = Shot("two-factor-recovery-codes"), FullPage = true });

        await page.GetByRole(AriaRole.Link, new() { Name = "Ik heb de codes bewaard: naar de console" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/console$"));
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Tweestapsverificatie" })).ToBeVisibleAsync();

        // The set-up page now says it is on, with all recovery codes left.
        await page.GetByRole(AriaRole.Link, new() { Name = "Tweestapsverificatie" }).ClickAsync();
        await Expect(page.GetByText("Tweestapsverificatie staat aan.")).ToBeVisibleAsync();
        await Expect(page.GetByText("Je hebt nog 10 herstelcodes over.")).ToBeVisibleAsync();

        // Signing in again asks for the code after the password, keeping the name and password.
        await page.GetByRole(AriaRole.Button, new() { Name = "Uitloggen" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/console/login"));
        await BrowserFixture.SignInAsync(page, "coordinator", "Demo-Coordinator-1");
        var loginCode = page.GetByLabel("Code uit je authenticator-app");
        await Expect(loginCode).ToBeVisibleAsync();
        await Expect(loginCode).ToBeFocusedAsync();
        await page.ScreenshotAsync(new() { Path = Shot("two-factor-login"), FullPage = true });
        await loginCode.FillAsync(TwoFactorTests.Code(secret, step: 1));
        await loginCode.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new Regex("/console$"));
        await Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToBeVisibleAsync();

        // Switched off with a recovery code; as a coordinator, set-up starts again at once.
        await page.GetByRole(AriaRole.Link, new() { Name = "Tweestapsverificatie" }).ClickAsync();
        await page.GetByLabel("Code uit je authenticator-app of een herstelcode").FillAsync(firstRecovery);
        await page.GetByRole(AriaRole.Button, new() { Name = "Uitzetten" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync(new Regex("staat uit"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "1. Koppel de app" })).ToBeVisibleAsync();
        await ctx.CloseAsync();
    }
}
