using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Accounts;

public abstract class AccountsApiTests : RecordsProviderTests
{
    [Fact]
    public async Task CoordinatorCreatesAnExpertWhoCanThenSignInAndChat()
    {
        var coordinator = await App.CoordinatorClientAsync();
        var r = await coordinator.PostAsJsonAsync("/api/accounts", new
        {
            userName = "mohamed", displayName = "Mo", experience = "perpetrator", maxChats = 2, password = "Tulp-Regenjas-Molen-51",
        });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var created = await r.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Mo", created.GetProperty("displayName").GetString());
        Assert.False(created.GetProperty("coordinator").GetBoolean());

        var mo = await App.SignedInClientAsync("mohamed", "Tulp-Regenjas-Molen-51");
        var me = await mo.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal(2, me.GetProperty("maxChats").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await mo.GetAsync("/api/accounts")).StatusCode);
        var list = await coordinator.GetFromJsonAsync<JsonElement>("/api/accounts");
        Assert.Contains(list.EnumerateArray(), a => a.GetProperty("userName").GetString() == "mohamed");
    }

    [Fact]
    public async Task BadInputNamesTheFieldAndCreatesNothing()
    {
        var coordinator = await App.CoordinatorClientAsync();
        var r = await coordinator.PostAsJsonAsync("/api/accounts", new { userName = "x", displayName = "", experience = "hero", maxChats = 9, password = "" });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var errors = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var f in new[] { "userName", "displayName", "experience", "maxChats", "password" })
            Assert.True(errors.TryGetProperty(f, out _), f);

        var weak = await coordinator.PostAsJsonAsync("/api/accounts", new { userName = "zwak", displayName = "Z", experience = "victim", password = "kort" });
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        var text = (await weak.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("password")[0].GetString();
        Assert.Contains("minstens 12 tekens", text);

        var dup = await coordinator.PostAsJsonAsync("/api/accounts", new { userName = "expert1", displayName = "X", experience = "victim", password = "Tulp-Regenjas-Molen-51" });
        Assert.Equal(HttpStatusCode.Conflict, dup.StatusCode);
        var list = await coordinator.GetFromJsonAsync<JsonElement>("/api/accounts");
        Assert.Equal(3, list.GetArrayLength());
    }

    [Fact]
    public async Task DisabledAccountsCannotSignInAndANewPasswordDoesNotEnableThem()
    {
        var coordinator = await App.CoordinatorClientAsync();
        var list = await coordinator.GetFromJsonAsync<JsonElement>("/api/accounts");
        var id = list.EnumerateArray().Single(a => a.GetProperty("userName").GetString() == "expert2").GetProperty("id").GetString();

        var off = await coordinator.PutAsJsonAsync($"/api/accounts/{id}", new { disabled = true, maxChats = 3 });
        Assert.True((await off.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("disabled").GetBoolean());
        var login = await App.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = "expert2", password = "Demo-Expert-2" });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);

        // Setting a password never switches the account on again (it was a lockout that the reset cleared).
        Assert.Equal(HttpStatusCode.NoContent, (await coordinator.PostAsJsonAsync($"/api/accounts/{id}/password", new { password = "Ander-Wachtwoord-2" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await App.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = "expert2", password = "Ander-Wachtwoord-2" })).StatusCode);
        Assert.True((await coordinator.GetFromJsonAsync<JsonElement>("/api/accounts")).EnumerateArray()
            .Single(a => a.GetProperty("id").GetString() == id).GetProperty("disabled").GetBoolean());

        await coordinator.PutAsJsonAsync($"/api/accounts/{id}", new { disabled = false });
        var again = await App.SignedInClientAsync("expert2", "Ander-Wachtwoord-2");
        Assert.Equal(3, (await again.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("maxChats").GetInt32());

        var self = (await coordinator.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();
        var selfOff = await coordinator.PutAsJsonAsync($"/api/accounts/{self}", new { disabled = true });
        Assert.Equal(HttpStatusCode.BadRequest, selfOff.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.PutAsJsonAsync("/api/accounts/nope", new { maxChats = 1 })).StatusCode);
    }
}

public sealed class SqliteAccountsApiTests : AccountsApiTests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresAccountsApiTests(PostgresServer postgres) : AccountsApiTests
{
    protected override Task<ChatApp> CreateAppAsync() => postgres.AppAsync();
}
