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
