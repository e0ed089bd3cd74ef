using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Accounts;
using Chat.Server.Widget;
using Chat.Tests.Attacks;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Accounts;

/// <summary>Password strength: 12 characters, not the user name, not a common password, and zxcvbn (with Dutch words) 3 or more.</summary>
public sealed class PasswordStrengthTests : IAsyncLifetime
{
    private readonly ChatApp _app = new();
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static readonly string[] WeakDutch = ["Summer2026abc", "Maandag12345", "Zomer2026Zon", "Welkom2026ab", "Welkom2026Welkom"];

    private static async Task<IdentityOutcome> ValidateAsync(string password, string userName = "sanne", string organisation = "Samen Verder")
    {
        var policy = new PasswordPolicy(Options.Create(new WidgetOptions { OrganisationName = organisation }));
        var r = await policy.ValidateAsync(null!, new ChatUser { UserName = userName, DisplayName = "Sanne" }, password);
        return new(r.Succeeded, string.Join(" ", r.Errors.Select(e => e.Description)), r.Errors.Select(e => e.Code).ToArray());
    }

    private sealed record IdentityOutcome(bool Succeeded, string Text, string[] Codes);

    [Fact]
    public async Task WeakDutchPasswordsAreRefusedWithOurOwnReadableReasonAndAPassphraseIsWelcome()
    {
        var client = await _app.ExpertClientAsync(1);
        var seen = new List<string>();
        foreach (var weak in WeakDutch)
        {
            var r = await client.PostAsJsonAsync("/api/auth/password", new { currentPassword = "Demo-Expert-1", newPassword = weak });
            var reason = r.StatusCode == HttpStatusCode.BadRequest
                ? (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("newPassword")[0].GetString()! : "";
            seen.Add($"{weak} {(int)r.StatusCode}");
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.StartsWith("Dit wachtwoord is te makkelijk te raden", reason);
        }
        // Lower case only, no digit: a passphrase of unrelated words is fine (no character-class rule any more).
        var passphrase = await client.PostAsJsonAsync("/api/auth/password", new { currentPassword = "Demo-Expert-1", newPassword = "paard accu nietje correct" });
        AttackTable.Row("weak Dutch passwords", "400 with a Dutch reason for Summer2026abc, Maandag12345, Zomer2026Zon, Welkom2026ab, Welkom2026Welkom; a lower-case passphrase accepted",
            string.Join("; ", seen) + $"; 'paard accu nietje correct' {(int)passphrase.StatusCode}");
        Assert.Equal(HttpStatusCode.NoContent, passphrase.StatusCode);
    }

    [Theory]
    [InlineData("Welkom2026ab")]
    [InlineData("Maandag12345")]
    [InlineData("Zomer2026Zon")]
    [InlineData("SamenVerder2026")]       // the organisation's name
    [InlineData("Sanne-Sanne-2026")]      // the person's own name, twice
    [InlineData("Wachtwoord2026!")]       // the common-password check stays
    [InlineData("Password1234")]
    public async Task GuessablePasswordsFailTheEstimateOrTheCommonList(string password)
    {
        var r = await ValidateAsync(password);
        Assert.False(r.Succeeded, password);
        Assert.Contains("te makkelijk te raden", r.Text);
        Assert.DoesNotContain("moet een hoofdletter", r.Text); // no character-class rule
    }

    [Fact]
    public async Task TheReasonNamesWhatMadeItEasy()
    {
        var r = await ValidateAsync("Zomer2026Zon");
        Assert.Equal(["PasswordTooGuessable"], r.Codes);
        Assert.Contains("‘Zomer’", r.Text);
        Assert.Contains("drie, vier losse woorden", r.Text);
    }

    [Fact]
    public async Task AVeryLongPasswordIsJudgedQuickly()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var r = await ValidateAsync(string.Concat(Enumerable.Repeat("Welkom1-", 1250))); // 10,000 characters
        Assert.InRange(sw.Elapsed.TotalSeconds, 0, 10); // without the cap: minutes of CPU per request
        Assert.True(r.Succeeded || r.Codes.Contains("PasswordTooGuessable"));
    }

    [Fact]
    public async Task TheUserNameIsRefused()
    {
        var r = await ValidateAsync("Sanne-2026-!!", userName: "sanne");
        Assert.Contains("PasswordIsUserName", r.Codes);
    }

    // Every password the tests give an account (beyond the demo accounts, which are seeded in Development only).
    [Theory]
    [InlineData("Drie-Losse-Woorden-7", "expert1")]
    [InlineData("Lang-Genoeg-Wachtwoord-42", "tweede")]
    [InlineData("Nieuw-Van-De-Coordinator-9", "expert2")]
    [InlineData("Ander-Wachtwoord-2", "expert2")]
    [InlineData("Sterk-Wachtwoord-2026", "leiding")]
    [InlineData("Fiets-Boom-Lantaarn-8", "expert2")]
    [InlineData("Tulp-Regenjas-Molen-51", "aylin")]
    [InlineData("paard accu nietje correct", "expert1")]
    public async Task ThePasswordsTheTestsUseAreStrongEnough(string password, string userName)
    {
        var r = await ValidateAsync(password, userName, "Samen Verder");
        Assert.True(r.Succeeded, $"{password}: {r.Text}");
        Assert.True((await ValidateAsync(password, userName, "Anonieme chat")).Succeeded, password);
    }

    [Fact]
    public async Task TheDemoAccountsAreStillSeededInDevelopmentThoughTheirPasswordsAreWeak()
    {
        Assert.False((await ValidateAsync("Demo-Expert-1", "expert1")).Succeeded); // too weak for anyone else
        Assert.Equal(HttpStatusCode.OK, (await _app.CreateClient().PostAsJsonAsync("/api/auth/login",
            new { userName = "expert1", password = "Demo-Expert-1" })).StatusCode);
    }
}
