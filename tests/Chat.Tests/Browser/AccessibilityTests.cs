using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// The pages this project shows, at a desktop (1280x800) and a phone (390x844) size, checked with axe-core: no serious
/// or critical violation. Screenshots of each go to artifacts/screenshots for people to look at.
/// </summary>
public sealed class AccessibilityTests(BrowserFixture f, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    public static readonly TheoryData<int, int> Sizes = new() { { 1280, 800 }, { 390, 844 } };

    private async Task CheckAsync(IPage page, string name, int width)
    {
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, $"a11y-{name}-{width}.png"), FullPage = true });
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        foreach (var v in result.Violations)
            output.WriteLine($"{name} @{width}: {v.Impact} {v.Id}: {v.Help} ({v.Nodes.Length} nodes: {string.Join(" | ", v.Nodes.Take(3).Select(n => string.Join(",", n.Target)))})");
        Assert.True(bad.Count == 0, $"{name} @{width}: " + string.Join("; ", bad.Select(v => $"{v.Id} ({v.Nodes.Length})")));
    }

    private async Task<IPage> PageAsync(int width, int height)
    {
        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = "nl-NL" });
        return await ctx.NewPageAsync();
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task WidgetAndConsolePagesHaveNoSeriousViolations(int width, int height)
    {
        var widget = await PageAsync(width, height);
        await widget.GotoAsync(f.BaseUrl + "/widget/");
        await Expect(widget.GetByRole(AriaRole.Button, new() { Name = "Snel weg" })).ToBeVisibleAsync();
        await CheckAsync(widget, "widget-start", width);

        var console = await PageAsync(width, height);
        await console.GotoAsync(f.BaseUrl + "/console");
        await CheckAsync(console, "console-login", width);
        await BrowserFixture.SignInAsync(console, "coordinator", "Demo-Coordinator-1");
        await Expect(console.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" })).ToBeVisibleAsync();
        await CheckAsync(console, "console", width);
        foreach (var (path, heading) in new[] { ("/console/blocks", "Blokkades"), ("/console/password", "Wachtwoord wijzigen"), ("/console/two-factor", "Tweestapsverificatie") })
        {
            await console.GotoAsync(f.BaseUrl + path);
            await Expect(console.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
            await CheckAsync(console, path.Split('/').Last(), width);
        }
        await console.Context.CloseAsync();
        await widget.Context.CloseAsync();
    }
}
