using Chat.Server.Conversations;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// A state event lost while the connection stays up (a node cut off from the others): the server's <c>Resync</c> has
/// the console read its state again, and the chat that ended meanwhile shows ended with its contact form.
/// </summary>
public sealed class StateResyncTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AConsoleThatMissedTheEndOfAChatOpensItsContactFormAfterAResync()
    {
        var expertCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        var console = await expertCtx.NewPageAsync();
        var line = await HubLine.RouteAsync(console, "/hubs/expert");
        await console.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(console, "expert2", "Demo-Expert-2");
        var available = console.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" });
        await available.ClickAsync();
        await Expect(available).ToHaveAttributeAsync("aria-checked", "true");

        var visitorCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 480, Height = 760 }, Locale = "nl-NL" });
        var widget = await visitorCtx.NewPageAsync();
        widget.Dialog += async (_, d) => await d.AcceptAsync();
        await widget.GotoAsync(f.BaseUrl + "/widget/");
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await widget.GetByLabel("Je bericht").FillAsync("Hallo");
        await widget.GetByLabel("Je bericht").PressAsync("Enter");
        await Expect(console.Locator("li.msg.visitor")).ToHaveCountAsync(1);

        line.Lose();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" }).ClickAsync();
        await widget.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" }).ClickAsync(); // the product's own dialog
        await line.LostAsync("ChatEnded");
        line.Restore();
        await Expect(console.Locator("button.chat-item.ended")).ToHaveCountAsync(0);

        await f.App.Services.GetRequiredService<LocalFanout>().ResyncAllAsync("events-missed");
        await Expect(console.GetByRole(AriaRole.Dialog, new() { Name = "Contactformulier na de chat" })).ToBeVisibleAsync();
        await Expect(console.Locator("button.chat-item.ended")).ToHaveCountAsync(1);

        await visitorCtx.CloseAsync();
        await expertCtx.CloseAsync();
    }
}
