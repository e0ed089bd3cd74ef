using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Replies;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Replies;

/// <summary>Canned replies and referral cards over REST: validation per field, roles, 404, the seeds.</summary>
public abstract class RepliesApiTests : RecordsProviderTests
{
    private static async Task<JsonElement> Json(HttpResponseMessage r) => await r.Content.ReadFromJsonAsync<JsonElement>();

    private static string[] BadFields(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task TheCoordinatorAddsEditsAndDeletesARepliesAndExpertsReadThem()
    {
        var coordinator = await App.CoordinatorClientAsync();
        var expert = await App.ExpertClientAsync(1);
        var seeded = (await expert.GetFromJsonAsync<JsonElement>("/api/replies")).GetArrayLength();
        Assert.True(seeded >= 3, "Development seeds a few Dutch replies");

        var created = await coordinator.PostAsJsonAsync("/api/replies", new { title = "Pauze", text = "Ik ben er zo weer.", language = "nl" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await Json(created)).GetProperty("id").GetInt64();

        var put = await coordinator.PutAsJsonAsync($"/api/replies/{id}", new { title = "Even pauze", text = "Ik ben er over twee minuten weer.", language = "nl" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var list = await expert.GetFromJsonAsync<JsonElement>("/api/replies");
        var mine = list.EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == id);
        Assert.Equal("Even pauze", mine.GetProperty("title").GetString());
        Assert.Equal("Ik ben er over twee minuten weer.", mine.GetProperty("text").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await coordinator.DeleteJsonAsync($"/api/replies/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.DeleteJsonAsync($"/api/replies/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.PutAsJsonAsync($"/api/replies/{id}", new { title = "x", text = "y", language = "nl" })).StatusCode);
        Assert.Equal(seeded, (await expert.GetFromJsonAsync<JsonElement>("/api/replies")).GetArrayLength());
    }

    [Fact]
    public async Task ABadReplyIsRefusedNamingEachFieldAndNothingIsStored()
    {
        var coordinator = await App.CoordinatorClientAsync();
        var before = (await coordinator.GetFromJsonAsync<JsonElement>("/api/replies")).GetArrayLength();
        var r = await coordinator.PostAsJsonAsync("/api/replies", new { title = new string('t', 61), text = " ", language = "de" });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["language", "text", "title"], BadFields(await Json(r)));
        var tooLong = await coordinator.PostAsJsonAsync("/api/replies", new { title = "ok", text = new string('x', 1001), language = "nl" });
        Assert.Equal(["text"], BadFields(await Json(tooLong)));
        Assert.Equal(before, (await coordinator.GetFromJsonAsync<JsonElement>("/api/replies")).GetArrayLength());
    }

    [Fact]
    public async Task ExpertsMayReadButNotWriteAndAnonymousCallersNeither()
    {
        var expert = await App.ExpertClientAsync(1);
        var reply = new { title = "x", text = "y", language = "nl" };
        var referral = new { name = "Huisarts", kind = "general-practitioner", phone = "112", url = "", hours = "", description = "" };
        Assert.Equal(HttpStatusCode.Forbidden, (await expert.PostAsJsonAsync("/api/replies", reply)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await expert.PutAsJsonAsync("/api/replies/1", reply)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await expert.DeleteJsonAsync("/api/replies/1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await expert.PostAsJsonAsync("/api/referrals", referral)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await expert.PutAsJsonAsync("/api/referrals/1", referral)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await expert.DeleteJsonAsync("/api/referrals/1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await expert.GetAsync("/api/referrals")).StatusCode);

        var anonymous = App.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/replies")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/referrals")).StatusCode);
    }

    [Fact]
    public async Task VeiligThuisAndSlachtofferhulpAreSeededAndTheCoordinatorsChangesStick()
    {
        var coordinator = await App.CoordinatorClientAsync();
        var list = await coordinator.GetFromJsonAsync<JsonElement>("/api/referrals");
        var vt = list.EnumerateArray().Single(r => r.GetProperty("kind").GetString() == "veilig-thuis");
        Assert.Equal("Veilig Thuis", vt.GetProperty("name").GetString());
        Assert.Equal("0800-2000", vt.GetProperty("phone").GetString());
        Assert.Equal("24/7", vt.GetProperty("hours").GetString());
        Assert.Equal("https://veiligthuis.nl", vt.GetProperty("url").GetString());
        var sh = list.EnumerateArray().Single(r => r.GetProperty("kind").GetString() == "victim-support");
        Assert.Equal("Slachtofferhulp Nederland", sh.GetProperty("name").GetString());
        Assert.Equal("0900-0101", sh.GetProperty("phone").GetString());
        Assert.Equal("https://www.slachtofferhulp.nl", sh.GetProperty("url").GetString());

        // Deleted by the coordinator: not seeded again at the next start.
        Assert.Equal(HttpStatusCode.NoContent, (await coordinator.DeleteJsonAsync($"/api/referrals/{sh.GetProperty("id").GetInt64()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await coordinator.DeleteJsonAsync($"/api/referrals/{vt.GetProperty("id").GetInt64()}")).StatusCode);
        using (var scope = App.Services.CreateScope())
            await scope.ServiceProvider.GetRequiredService<RepliesSeeder>().SeedAsync();
        Assert.Equal(0, (await coordinator.GetFromJsonAsync<JsonElement>("/api/referrals")).GetArrayLength());
    }

    [Fact]
    public async Task AReferralNeedsAKnownKindAPhoneOfDigitsAndAnHttpsLink()
    {
        var coordinator = await App.CoordinatorClientAsync();
        var bad = await coordinator.PostAsJsonAsync("/api/referrals", new
        {
            name = "", kind = "witch-doctor", phone = "0800-CALL-NOW", url = "http://example.org", hours = new string('h', 61),
            description = new string('d', 301),
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["description", "hours", "kind", "name", "phone", "url"], BadFields(await Json(bad)));

        foreach (var url in new[] { "javascript:alert(1)", "https://user:pw@example.org", "//example.org", "veiligthuis.nl" })
        {
            var r = await coordinator.PostAsJsonAsync("/api/referrals", new { name = "X", kind = "police", phone = "0900-8844", url });
            Assert.Equal(["url"], BadFields(await Json(r)));
        }
        foreach (var phone in new[] { "<b>112</b>", "tel:112", "+31 (0)20 123" })
        {
            var r = await coordinator.PostAsJsonAsync("/api/referrals", new { name = "X", kind = "police", phone });
            Assert.Equal(["phone"], BadFields(await Json(r)));
        }

        var ok = await coordinator.PostAsJsonAsync("/api/referrals", new
        {
            name = "Politie", kind = "police", phone = "+31 900-8844", url = "https://www.politie.nl", hours = "24/7", description = "Aangifte doen of advies.",
        });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var id = (await Json(ok)).GetProperty("id").GetInt64();
        var put = await coordinator.PutAsJsonAsync($"/api/referrals/{id}", new { name = "Politie", kind = "police", phone = "0900-8844", url = "https://www.politie.nl" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("0900-8844", (await Json(put)).GetProperty("phone").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await coordinator.PutAsJsonAsync($"/api/referrals/{id}", new { name = "Politie", kind = "nope", phone = "1" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.PutAsJsonAsync("/api/referrals/999999", new { name = "X", kind = "police", phone = "1" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await coordinator.DeleteJsonAsync("/api/referrals/999999")).StatusCode);
    }
}

public sealed class SqliteRepliesApiTests : RepliesApiTests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresRepliesApiTests(PostgresServer postgres) : RepliesApiTests
{
    protected override Task<ChatApp> CreateAppAsync() => postgres.AppAsync();
}
