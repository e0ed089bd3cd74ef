using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Browser;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Mailbox;

/// <summary>
/// The console's "Brievenbus": the count in the menu, a letter in danger before an older one, take, answer ("schrijf
/// alsof iemand meeleest"), and the contact form of the answer as an anonymous-mailbox contact.
/// </summary>
public sealed class MailboxConsoleTests(BrowserFixture f) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AnExpertTakesTheLetterInDangerFirstAnswersItAndFillsInItsForm()
    {
        var visitor = new MailboxVisitor(f.App.CreateClient());
        await visitor.LeaveCodeAsync("Oudere brief zonder haast.");
        var urgent = await visitor.LeaveCodeAsync("Hij is vanavond weer boos. Ik weet niet wat ik moet doen.", new { inDanger = true, about = "victim" });

        var ctx = await f.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "nl-NL" });
        var page = await ctx.NewPageAsync();
        await page.GotoAsync(f.BaseUrl + "/console");
        await BrowserFixture.SignInAsync(page, "expert1", "Demo-Expert-1");
        var link = page.GetByRole(AriaRole.Link, new() { Name = "Brievenbus (2)" });
        await Expect(link).ToBeVisibleAsync();
        await link.ClickAsync();

        var letters = page.Locator("article.mailbox-letter");
        await Expect(letters).ToHaveCountAsync(2);
        await Expect(letters.First).ToContainTextAsync("Mogelijk in gevaar");
        await Expect(letters.First).ToContainTextAsync("Hij is vanavond weer boos.");
        // The answers with their label, and the writer called as in a chat: "Contactzoeker", not "Bezoeker".
        await Expect(letters.First).ToContainTextAsync("Over zichzelf: voelt zich thuis niet veilig");
        await Expect(letters.Nth(1)).ToContainTextAsync("Over zichzelf: niet gezegd");
        await Expect(letters.First.Locator("li.from-visitor")).ToContainTextAsync("Contactzoeker ·");
        await Expect(page.GetByText("Bezoeker", new() { Exact = false })).ToHaveCountAsync(0);
        await letters.First.GetByRole(AriaRole.Button, new() { Name = "Neem deze brief" }).ClickAsync();
        var box = page.GetByLabel("Je antwoord");
        await Expect(box).ToBeFocusedAsync();
        await Expect(page.GetByText("Schrijf alsof iemand meeleest", new() { Exact = false })).ToBeVisibleAsync();
        var axe = await page.RunAxe();
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => v.Id));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDir, "console-mailbox.png"), FullPage = true });
        await box.FillAsync("Wat fijn dat je schreef. Bel 112 als je in gevaar bent; Veilig Thuis denkt ook met je mee.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verstuur antwoord" }).ClickAsync();
        await Expect(letters).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Button, new() { Name = "Contactformulier invullen" }).ClickAsync();
        var form = page.GetByRole(AriaRole.Dialog);
        await Expect(form).ToBeVisibleAsync();
        await Expect(form.GetByLabel("slachtoffer", new() { Exact = true })).ToBeCheckedAsync();
        await form.GetByLabel("luisterend oor bieden").CheckAsync();
        await form.GetByRole(AriaRole.Button, new() { Name = "Opslaan" }).ClickAsync();
        await Expect(form).Not.ToBeVisibleAsync();

        var api = await f.App.ExpertClientAsync(1);
        var forms = await api.GetFromJsonAsync<JsonElement>("/api/contacts");
        Assert.Contains(forms.EnumerateArray(), x => x.GetProperty("contactType").GetString() == "anonymous-mailbox" && x.GetProperty("safety").GetString() == "acute");
        var read = await (await visitor.OpenAsync(urgent)).Json();
        Assert.Equal("answered", read.GetProperty("status").GetString());
        await ctx.CloseAsync();
    }
}
