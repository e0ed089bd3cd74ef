using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// The widget in a real browser while its server node is killed and comes back (Redis mode keeps the chat):
/// it shows "verbinding herstellen", keeps what was typed as "nog niet verstuurd", reconnects by itself and sends
/// it then, once.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class ReconnectTests(RedisServer redis) : IAsyncLifetime
{
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        _browser = await BrowserFixture.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task WidgetReconnectsAfterItsNodeIsKilledAndSendsWhatWasTypedMeanwhileOnce()
    {
        using var nodes = new NodeEnvironment(redis);
        var env = nodes.Env;
        var nodeA = await ServerProcess.StartAsync(env);
        await using var nodeB = await ServerProcess.StartAsync(env);
        var expertHub = nodeB.Hub("/hubs/expert", await nodeB.CookieAsync("expert1", "Demo-Expert-1"));
        var expert = new Expert(expertHub);
        await expertHub.StartAsync();
        await expertHub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");

        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 480, Height = 760 } });
        await page.GotoAsync(nodeA.BaseUrl + "/widget/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(page.GetByText("Je praat met Sanne, ervaringsdeskundige.")).ToBeVisibleAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await page.GetByLabel("Je bericht").FillAsync("Eerste bericht");
        await page.GetByLabel("Je bericht").PressAsync("Enter");
        await expert.Inbox.Next("MessageReceived");
        // The expert can hear of it (through node B) before the widget's acknowledgement arrives from node A: wait for the
        // acknowledgement, or the kill below can leave "Eerste bericht" pending too (it would be resent, once, on reconnect).
        await Expect(page.Locator("li.msg.pending")).ToHaveCountAsync(0);

        var port = nodeA.Port;
        await nodeA.KillAsync(); // kill -9 of the visitor's node
        await Expect(page.GetByText("Verbinding herstellen…", new() { Exact = false })).ToBeVisibleAsync();
        await page.GetByLabel("Je bericht").FillAsync("Geschreven tijdens de storing");
        await page.GetByLabel("Je bericht").PressAsync("Enter");
        await Expect(page.Locator("li.msg.pending")).ToHaveCountAsync(1);
        await Expect(page.Locator("li.msg.pending .meta")).ToHaveAttributeAsync("data-pending", " · nog niet verstuurd");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "widget-reconnecting.png") });
        await expertHub.InvokeAsync<SendResult>("SendMessage", conversationId, "e1", "Ik ben er nog, hoor.");

        // The node comes back on the same address; the widget reconnects by itself, resumes and sends.
        await using var restarted = await ServerProcess.StartAsync(env, port);
        await Expect(page.Locator("li.msg.pending")).ToHaveCountAsync(0, new() { Timeout = 60_000 });
        await Expect(page.Locator("li.msg.expert")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Ik ben er nog"));
        var atExpert = await expert.Inbox.Until("MessageReceived", m => m.GetProperty("from").GetString() == "visitor");
        Assert.Equal("Geschreven tijdens de storing", atExpert.GetProperty("text").GetString());
        Assert.Equal(3, atExpert.GetProperty("seq").GetInt64());
        await Expect(page.Locator("li.msg[data-seq]")).ToHaveCountAsync(3);
        await Expect(page.GetByText("Verbinding herstellen…", new() { Exact = false })).ToBeHiddenAsync();

        await expertHub.DisposeAsync();
        await page.CloseAsync();
    }
}
