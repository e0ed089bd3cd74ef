using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Accounts;

public sealed class AuthTests : IAsyncLifetime
{
    private readonly ChatApp _app = new();
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task LoginWithTheRightPasswordSetsACookieAndTellsWhoYouAre()
    {
        var client = await _app.ExpertClientAsync(2);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal("Ruben", me.GetProperty("displayName").GetString());
        Assert.Equal("perpetrator", me.GetProperty("experience").GetString());
        Assert.Contains("Expert", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task WrongPasswordGives401ProblemDetails()
    {
        var r = await _app.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = "expert1", password = "wrong" });
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        Assert.False(r.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task WrongPasswordsNeverLockTheOwnerOut()
    {
        var client = _app.CreateClient();
        for (var i = 0; i < 6; i++)
            await client.PostAsJsonAsync("/api/auth/login", new { userName = "expert1", password = "wrong" });
        var r = await client.PostAsJsonAsync("/api/auth/login", new { userName = "expert1", password = "Demo-Expert-1" });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task MissingFieldsAreNamed()
    {
        var r = await _app.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = "" });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var errors = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("userName", out _));
        Assert.True(errors.TryGetProperty("password", out _));
    }

    [Fact]
    public async Task LogoutEndsTheSession()
    {
        var client = await _app.ExpertClientAsync(1);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostEmptyJsonAsync("/api/auth/logout")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task ConsoleRedirectsToTheLoginPageAndTheLoginPageSignsIn()
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var r = await client.GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.StartsWith("/console/login", r.Headers.Location!.PathAndQuery, StringComparison.OrdinalIgnoreCase);

        var page = await client.GetStringAsync("/console/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var post = await client.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "expert1", ["Password"] = "Demo-Expert-1", ["__RequestVerificationToken"] = token,
        }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Equal("/console", post.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console")).StatusCode);
    }

    [Fact]
    public async Task ProductionRefusesToStartWithoutAFirstCoordinatorOrWithAWeakPassword()
    {
        await using var missing = new ProductionApp(null);
        var ex = Assert.ThrowsAny<Exception>(() => missing.CreateClient());
        Assert.Contains("InitialCoordinator", ex.ToString());

        await using var weak = new ProductionApp("short");
        var ex2 = Assert.ThrowsAny<Exception>(() => weak.CreateClient());
        Assert.Contains("too weak", ex2.ToString());

        await using var good = new ProductionApp("Sterk-Wachtwoord-2026");
        var client = good.CreateClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { userName = "coordinator", password = "Demo-Coordinator-1" });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode); // no demo accounts in Production
        var real = await client.PostAsJsonAsync("/api/auth/login", new { userName = "leiding", password = "Sterk-Wachtwoord-2026" });
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
    }

    private sealed class ProductionApp(string? password) : ChatApp(new()
    {
        ["Accounts:InitialCoordinator:UserName"] = password is null ? null : "leiding",
        ["Accounts:InitialCoordinator:Password"] = password,
        ["Widget:AllowedEmbedOrigins:0"] = "https://project.example",
    })
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }
}
