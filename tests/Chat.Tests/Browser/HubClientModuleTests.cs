using System.Text.Json;
using Microsoft.Playwright;

namespace Chat.Tests.Browser;

/// <summary>
/// The one browser module both clients import for what they share (Chat.Widget's wwwroot/shared/hub-client.js): read
/// in a real browser from the path both pages use, under their CSP.
/// </summary>
public sealed class HubClientModuleTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    private const string Path = "/_content/Chat.Widget/shared/hub-client.js";

    [Fact]
    public async Task HubErrorReadsTheCodeAndGivesTheTextAlone()
    {
        var page = await f.Browser.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/widget/");
        var r = await page.EvaluateAsync<JsonElement>($$"""
            async () => {
              const m = await import('{{Path}}');
              const hub = (text) => new Error("An unexpected error occurred invoking 'SendMessage' on the server. HubException: " + text);
              const ids = new Set(Array.from({ length: 50 }, () => m.newId()));
              const delays = [0, 3, 20].map((n) => m.backoff({ previousRetryCount: n }));
              return {
                coded: m.hubError(hub('[try-again] Tijdelijk niet beschikbaar; probeer het zo opnieuw.')),
                old: m.hubError(hub('Je stuurt veel berichten kort na elkaar. Je bericht wordt zo opnieuw verstuurd. [retry]')),
                field: m.hubError(hub("referral: alleen letters, cijfers en '-' (maximaal 40 tekens).")),
                connection: m.hubError(new Error('Invocation canceled due to the underlying connection being closed.')),
                tryAgain: m.TRY_AGAIN, ids: ids.size, delays
              };
            }
            """);
        Assert.Equal("try-again", r.GetProperty("coded").GetProperty("code").GetString());
        Assert.Equal("Tijdelijk niet beschikbaar; probeer het zo opnieuw.", r.GetProperty("coded").GetProperty("text").GetString());
        Assert.Equal("try-again", r.GetProperty("old").GetProperty("code").GetString()); // until every server sends the code
        Assert.Equal("Je stuurt veel berichten kort na elkaar. Je bericht wordt zo opnieuw verstuurd.", r.GetProperty("old").GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, r.GetProperty("field").GetProperty("code").ValueKind);
        Assert.StartsWith("referral: alleen letters", r.GetProperty("field").GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, r.GetProperty("connection").ValueKind);
        Assert.Equal("try-again", r.GetProperty("tryAgain").GetString());
        Assert.Equal(50, r.GetProperty("ids").GetInt32());
        var delays = r.GetProperty("delays").EnumerateArray().Select(d => d.GetDouble()).ToArray();
        Assert.InRange(delays[0], 250, 500);
        Assert.InRange(delays[1], 2000, 4000);
        Assert.InRange(delays[2], 15000, 30000);
        await page.CloseAsync();
    }

    [Fact]
    public async Task TheWidgetAndTheConsoleBothLoadIt()
    {
        var widgetCtx = await f.Browser.NewContextAsync();
        var widget = await widgetCtx.NewPageAsync();
        var fromWidget = widget.WaitForResponseAsync(r => r.Url.EndsWith(Path, StringComparison.Ordinal));
        await widget.GotoAsync(f.BaseUrl + "/widget/");
        Assert.Equal(200, (await fromWidget).Status);
        await Assertions.Expect(widget.GetByRole(AriaRole.Button, new() { Name = "Snel weg" })).ToBeVisibleAsync(); // the app ran

        var consoleCtx = await f.Browser.NewContextAsync();
        var console = await consoleCtx.NewPageAsync();
        var fromConsole = console.WaitForResponseAsync(r => r.Url.EndsWith(Path, StringComparison.Ordinal));
        await console.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(console, "expert1", "Demo-Expert-1");
        Assert.Equal(200, (await fromConsole).Status);
        await Assertions.Expect(console.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToBeEnabledAsync(); // connected
        await widgetCtx.CloseAsync();
        await consoleCtx.CloseAsync();
    }
}
