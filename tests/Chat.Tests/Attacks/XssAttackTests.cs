using System.Net.Http.Json;
using Chat.Tests.Browser;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Attacks;

/// <summary>
/// Script in messages and in a form field, both ways, in Chromium: the visitor's widget and the expert's console must show
/// it as text and run none of it. The expert's shown name (a field the coordinator fills in) reaches the visitor's screen.
/// </summary>
public sealed class XssAttackTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    private const string FromVisitor = "<img src=x onerror=\"window.__xss='visitor'\"><script>window.__xss='v2'</script>";
    private const string FromExpert = "<svg onload=\"window.__xss='expert'\"></svg><a href=\"javascript:window.__xss='e2'\">klik</a>";
    private const string ShownName = "<img src=x onerror=window.__xss=1>";

    [Fact]
    public async Task ScriptInMessagesAndInTheShownNameIsShownAsTextAndNeverRuns()
    {
        var coordinator = await f.App.CoordinatorClientAsync();
        (await coordinator.PostAsJsonAsync("/api/accounts", new
        {
            userName = "xss-expert", displayName = ShownName, experience = "victim", maxChats = 1, password = "Lang-Genoeg-Wachtwoord-42", coordinator = false,
        })).EnsureSuccessStatusCode();

        await using var expertCtx = await f.Browser.NewContextAsync(new() { Locale = "nl-NL" });
        var expert = await expertCtx.NewPageAsync();
        await expert.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(expert, "xss-expert", "Lang-Genoeg-Wachtwoord-42");
        await expert.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" }).ClickAsync();

        await using var visitorCtx = await f.Browser.NewContextAsync(new() { Locale = "nl-NL" });
        var visitor = await visitorCtx.NewPageAsync();
        await visitor.GotoAsync(f.BaseUrl + "/widget/");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(visitor.GetByText("Je praat met " + ShownName)).ToBeVisibleAsync();
        await visitor.GetByLabel("Je bericht").FillAsync(FromVisitor);
        await visitor.GetByLabel("Je bericht").PressAsync("Enter");
        await Expect(expert.Locator("li.msg.visitor").Last).ToContainTextAsync(FromVisitor);
        await expert.Locator("#reply").FillAsync(FromExpert);
        await expert.Locator("#reply").PressAsync("Enter");
        await Expect(visitor.Locator("li.msg.expert").Last).ToContainTextAsync(FromExpert);

        var ranInWidget = await visitor.EvaluateAsync<string?>("() => window.__xss ?? null");
        var ranInConsole = await expert.EvaluateAsync<string?>("() => window.__xss ?? null");
        var elements = await visitor.Locator("li.msg img, li.msg svg, li.msg script, li.msg a[href^='javascript']").CountAsync()
                       + await expert.Locator("li.msg img, li.msg svg, li.msg script, li.msg a[href^='javascript']").CountAsync();
        AttackTable.Row("script in messages both ways and in the expert's shown name (browser)",
            "shown as text in widget and console; nothing runs; no element made from it",
            $"widget ran: {ranInWidget ?? "nothing"}; console ran: {ranInConsole ?? "nothing"}; elements made: {elements}");
        Assert.Null(ranInWidget);
        Assert.Null(ranInConsole);
        Assert.Equal(0, elements);
    }
}
