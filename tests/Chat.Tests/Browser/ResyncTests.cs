using Chat.Server.Conversations;
using Chat.Server.Live;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// A message whose event never reached the browsers (as when a node was cut off from Redis) shows up in the widget and
/// in the console once the server tells them to reload (<c>Resync</c>): the widget resumes from its last seq, the
/// console reloads its state.
/// </summary>
public sealed class ResyncTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AMissedMessageAppearsInTheWidgetAndTheConsoleAfterAResync()
    {
        var expertCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        var console = await expertCtx.NewPageAsync();
        await console.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(console, "expert2", "Demo-Expert-2");
        await console.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" }).ClickAsync();
        await Expect(console.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToHaveAttributeAsync("aria-checked", "true");

        var visitorCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 480, Height = 760 }, Locale = "nl-NL" });
        var widget = await visitorCtx.NewPageAsync();
        await widget.GotoAsync(f.BaseUrl + "/widget/");
        await widget.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(widget.GetByText("Je praat met Ruben", new() { Exact = false })).ToBeVisibleAsync();
        await widget.GetByLabel("Je bericht").FillAsync("Hallo");
        await widget.GetByLabel("Je bericht").PressAsync("Enter");
        await Expect(console.Locator("li.msg.visitor")).ToHaveCountAsync(1);

        // Stored without an event: what a browser misses while its node is cut off from the others.
        var store = f.App.Services.GetRequiredService<ILiveStore>();
        var presence = (await store.GetPresencesAsync()).Single(p => p.ActiveChats.Count == 1);
        var session = (await store.GetSessionAsync(presence.ActiveChats[0]))!;
        await store.AppendAsync(session.ConversationId, Senders.Expert, "missed-1", "Dit bericht ging onderweg verloren.", DateTimeOffset.UtcNow);
        await store.AppendAsync(session.ConversationId, Senders.Visitor, "missed-2", "En dit antwoord ook.", DateTimeOffset.UtcNow);
        await Expect(widget.Locator("li.msg[data-seq]")).ToHaveCountAsync(1);

        await f.App.Services.GetRequiredService<LocalFanout>().ResyncAllAsync("events-missed");
        await Expect(widget.Locator("li.msg.expert")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("ging onderweg verloren"));
        await Expect(widget.Locator("li.msg[data-seq]")).ToHaveCountAsync(3);
        await Expect(console.Locator("li.msg.visitor").Last).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("En dit antwoord ook"));
        await Expect(console.Locator("li.msg")).ToHaveCountAsync(3);

        await visitorCtx.CloseAsync();
        await expertCtx.CloseAsync();
    }
}
