using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// Triage as people see it: "Ben je nu in gevaar? Ja" shows 112 as a tap-to-call button at once, visible without
/// scrolling on a phone and a desktop; waiting, the chat's head keeps it; the expert sees why this visitor went first.
/// </summary>
public sealed class TriageUiTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    private static string Shot(string name) => Path.Combine(BrowserFixture.ScreenshotDir, name + ".png");

    private static async Task AxeCleanAsync(IPage page, string name)
    {
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"{name}: " + string.Join("; ", bad.Select(v => $"{v.Id} ({v.Nodes.Length})")));
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 800)]
    public async Task SayingYesShows112AtOnceAndTheExpertSeesWhyThisVisitorWentFirst(int width, int height)
    {
        var expertCtx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "nl-NL" });
        var expert = await expertCtx.NewPageAsync();
        await expert.GotoAsync(f.BaseUrl + "/console/login?ReturnUrl=/console");
        // One expert a case (the other case's expert is in the pause after a chat).
        var (user, password, name) = width < 600 ? ("expert1", "Demo-Expert-1", "Sanne") : ("expert2", "Demo-Expert-2", "Ruben");
        await BrowserFixture.SignInAsync(expert, user, password);
        await expert.GetByRole(AriaRole.Radio, new() { Name = "Pauze" }).ClickAsync(); // on shift, takes nobody yet
        await Expect(expert.GetByRole(AriaRole.Radio, new() { Name = "Pauze" })).ToHaveAttributeAsync("aria-checked", "true");

        var phone = width < 600;
        var visitorCtx = await f.Browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height }, Locale = "nl-NL", IsMobile = phone, HasTouch = phone,
        });
        var visitor = await visitorCtx.NewPageAsync();
        await visitor.GotoAsync(f.BaseUrl + "/widget/");
        var question = visitor.GetByRole(AriaRole.Group, new() { Name = "Ben je nu in gevaar?" });
        await Expect(question).ToBeVisibleAsync();
        // Nothing answered for the visitor, and no 112 button until they say yes.
        await Expect(question.GetByRole(AriaRole.Radio, new() { Name = "Ja" })).Not.ToBeCheckedAsync();
        await Expect(question.GetByRole(AriaRole.Radio, new() { Name = "Nee" })).Not.ToBeCheckedAsync();
        var call = visitor.GetByRole(AriaRole.Link, new() { Name = "Bel 112" });
        await Expect(call).ToHaveCountAsync(0);

        await question.GetByRole(AriaRole.Radio, new() { Name = "Ja" }).CheckAsync();
        await Expect(call).ToBeVisibleAsync();
        await Expect(call).ToHaveAttributeAsync("href", "tel:112");
        await Expect(call).ToBeInViewportAsync(); // no scrolling needed
        await Expect(visitor.GetByText("Je kunt ook hier blijven: we helpen jou als eerste.", new() { Exact = false })).ToBeVisibleAsync();
        await visitor.ScreenshotAsync(new() { Path = Shot($"triage-widget-yes-{width}") });
        await AxeCleanAsync(visitor, "widget, in danger: yes");

        await visitor.GetByRole(AriaRole.Button, new() { Name = "Start de chat" }).ClickAsync();
        await Expect(visitor.Locator("#chat-head").GetByText("We helpen jou als eerste.", new() { Exact = false })).ToBeVisibleAsync();
        await Expect(visitor.Locator("#chat-head").GetByRole(AriaRole.Link, new() { Name = "Bel 112" })).ToHaveAttributeAsync("href", "tel:112");
        await visitor.ScreenshotAsync(new() { Path = Shot($"triage-widget-waiting-{width}") });
        await AxeCleanAsync(visitor, "widget, in danger, waiting");

        await expert.GetByRole(AriaRole.Radio, new() { Name = "Beschikbaar" }).ClickAsync();
        await Expect(expert.GetByText("Mogelijk in gevaar: zelf aangegeven")).ToBeVisibleAsync();
        await Expect(visitor.GetByText($"Je praat met {name}", new() { Exact = false })).ToBeVisibleAsync();
        await expert.ScreenshotAsync(new() { Path = Shot($"triage-console-badge-{width}") });
        await AxeCleanAsync(expert, "console, urgent chat");

        // The expert ends the chat: the form has "acuut onveilig" ticked, which the expert may change.
        expert.Dialog += async (_, d) => await d.AcceptAsync();
        await expert.GetByRole(AriaRole.Button, new() { Name = "Gesprek beëindigen" }).ClickAsync();
        await expert.GetByRole(AriaRole.Button, new() { Name = "Ja, beëindigen" }).ClickAsync(); // the product's own dialog
        var form = expert.GetByRole(AriaRole.Dialog, new() { Name = "Contactformulier na de chat" });
        await Expect(form).ToBeVisibleAsync();
        await Expect(form.GetByLabel("acuut onveilig", new() { Exact = false })).ToBeCheckedAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Later invullen" }).ClickAsync();
        await visitorCtx.CloseAsync();
        await expertCtx.CloseAsync();
    }
}
