using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Triage;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Triage;

public sealed class UrgentWordListTests
{
    private static readonly UrgentWordList List = new(["mes", "hij komt eraan", "zelfmoord", "can't breathe", "suïcide"]);

    [Theory]
    [InlineData("Hij heeft een MES", true)]
    [InlineData("mes.", true)]
    [InlineData("(mes)", true)]
    [InlineData("mesjes in de la", false)] // whole words only
    [InlineData("kommes", false)]
    [InlineData("hij  komt\n eraan!!", true)] // any spaces and punctuation between the words
    [InlineData("hij komt er aan", false)]
    [InlineData("ik denk aan zelfmóórd", true)] // accents do not count
    [InlineData("I cant breathe", true)] // the apostrophe does not count
    [InlineData("I can’t breathe", true)]
    [InlineData("suicide", true)]
    [InlineData("", false)]
    [InlineData("gewoon praten", false)]
    public void MatchesWholeWordsWithCaseAccentsAndPunctuationIgnored(string text, bool expected) =>
        Assert.Equal(expected, List.Matches(text));

    [Fact]
    public void TheDefaultListsAreInTheResourcesAndMatchTheIssuesExample()
    {
        using var app = new ChatApp();
        var words = app.Services.GetRequiredService<UrgentWords>();
        foreach (var language in UrgentWords.Languages) Assert.True(words.Defaults(language).Count >= 40, language);
        var nl = new UrgentWordList(words.Defaults("nl"));
        Assert.True(nl.Matches("hij staat voor de deur met een mes"));
        Assert.True(nl.Matches("Ik wil niet meer leven"));
        Assert.False(nl.Matches("Ik ben niet in gevaar, ik wil praten over vorig jaar"));
        var en = new UrgentWordList(words.Defaults("en"));
        Assert.True(en.Matches("he's coming home and I'm scared"));
        // English words that are Dutch words too ("gun", "die") are in phrases only.
        Assert.False(en.Matches("ik gun het je, die man is weg"));
    }
}

public sealed class UrgentWordsApiTests : IAsyncLifetime
{
    private readonly ChatApp _app = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task TheCoordinatorReadsChangesAndResetsTheListAndBadInputChangesNothing()
    {
        using var coordinator = await _app.CoordinatorClientAsync();
        var start = await coordinator.GetFromJsonAsync<JsonElement>("/api/triage/words");
        var nl = start.GetProperty("languages").EnumerateArray().Single(l => l.GetProperty("language").GetString() == "nl");
        Assert.False(nl.GetProperty("changed").GetBoolean());
        Assert.Contains("mes", nl.GetProperty("words").EnumerateArray().Select(w => w.GetString()));

        foreach (var bad in new object[]
                 {
                     new { language = "de", words = new[] { "messer" } },
                     new { language = "nl", words = Array.Empty<string>() },
                     new { language = "nl", words = new[] { "x" } },
                     new { language = "nl", words = new[] { new string('a', 61) } },
                     new { language = "nl", words = new[] { "mes" }, reset = true },
                     new { language = "nl" },
                 })
        {
            var r = await coordinator.PutAsJsonAsync("/api/triage/words", bad);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("errors", await r.Content.ReadAsStringAsync());
        }
        Assert.False((await coordinator.GetFromJsonAsync<JsonElement>("/api/triage/words")).GetProperty("languages")[0].GetProperty("changed").GetBoolean());

        var words = _app.Services.GetRequiredService<UrgentWords>();
        Assert.False(await words.MatchesAsync("de kapstok valt om"));
        var put = await coordinator.PutAsJsonAsync("/api/triage/words", new { language = "nl", words = new[] { " kapstok ", "Kapstok", "", "mes" } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var changed = (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("languages").EnumerateArray().Single(l => l.GetProperty("language").GetString() == "nl");
        Assert.True(changed.GetProperty("changed").GetBoolean());
        Assert.Equal(["kapstok", "mes"], changed.GetProperty("words").EnumerateArray().Select(w => w.GetString()));
        Assert.True(await words.MatchesAsync("de kapstok valt om")); // at once on this node
        Assert.False(await words.MatchesAsync("ik wil niet meer leven")); // no longer in the Dutch list

        var reset = await coordinator.PutAsJsonAsync("/api/triage/words", new { language = "nl", reset = true });
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.False(await words.MatchesAsync("de kapstok valt om"));
        Assert.True(await words.MatchesAsync("ik wil niet meer leven"));
    }

    [Fact]
    public async Task ExpertsAndVisitorsCannotReadOrChangeTheList()
    {
        using var expert = await _app.ExpertClientAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await expert.GetAsync("/api/triage/words")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await expert.PutAsJsonAsync("/api/triage/words", new { language = "nl", words = new[] { "x y" } })).StatusCode);
        using var anonymous = _app.Server.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/triage/words")).StatusCode);
    }
}
