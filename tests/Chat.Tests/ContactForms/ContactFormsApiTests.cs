using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ContactForms;

public abstract class ContactFormsApiTests : RecordsProviderTests
{
    private static object PhoneForm(int minutes = 35) => new
    {
        conversationId = (string?)null,
        occurredAt = DateTimeOffset.UtcNow.AddHours(-2),
        durationMinutes = minutes,
        conversation = "follow-up",
        contactType = "phone",
        contactSeeker = "parent-of-victim",
        referralSources = new[] { "professional", "other" },
        referralOther = "huisartsenpost",
        support = new[] { "listening-ear", "advice-professional-help" },
        professionalHelp = new[] { "veilig-thuis", "general-practitioner" },
        safety = "concern",
    };

    [Fact]
    public async Task ExpertRegistersAContactOutsideTheChatIdempotently()
    {
        var client = await App.ExpertClientAsync(1);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/contacts") { Content = JsonContent.Create(PhoneForm()) };
        request.Headers.Add("Idempotency-Key", "key-1");
        var r = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var created = await r.Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString();
        Assert.Equal("phone", created.GetProperty("contactType").GetString());
        Assert.Equal(0, created.GetProperty("occurredAt").GetDateTimeOffset().Minute); // stored to the hour
        Assert.Equal(["professional", "other"], created.GetProperty("referralSources").EnumerateArray().Select(e => e.GetString()));

        var again = new HttpRequestMessage(HttpMethod.Post, "/api/contacts") { Content = JsonContent.Create(PhoneForm()) };
        again.Headers.Add("Idempotency-Key", "key-1");
        var r2 = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        Assert.Equal(id, (await r2.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());

        var list = await client.GetFromJsonAsync<JsonElement>("/api/contacts");
        Assert.Equal(1, list.GetArrayLength());
    }

    [Fact]
    public async Task InvalidFormIsRefusedNamingEachBadFieldAndNothingIsStored()
    {
        var client = await App.ExpertClientAsync(1);
        var r = await client.PostAsJsonAsync("/api/contacts", new
        {
            occurredAt = DateTimeOffset.UtcNow,
            durationMinutes = 601,
            conversation = "second",
            contactType = "pigeon",
            contactSeeker = "victim",
            referralSources = new[] { "radio" },
            support = new[] { "listening-ear" },
            professionalHelp = new[] { "police" },
            safety = "none",
            referralOther = "naam van iemand",
        });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var problem = await r.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "durationMinutes", "conversation", "contactType", "referralSources", "professionalHelp", "referralOther" })
            Assert.True(errors.TryGetProperty(field, out _), $"expected an error for {field}: {errors}");
        Assert.False(errors.TryGetProperty("contactSeeker", out _));
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/contacts")).GetArrayLength());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(601)]
    public async Task DurationOutOfRangeIsRefused(int minutes)
    {
        var client = await App.ExpertClientAsync(1);
        var r = await client.PostAsJsonAsync("/api/contacts", PhoneForm(minutes));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var problem = await r.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("durationMinutes", out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("other")]
    [InlineData("radio")]
    public async Task AReferralThePageDidNotGiveStartsUnanswered(string? referral)
    {
        await using var expert = await App.ExpertAsync(1);
        await using var visitor = await App.VisitorAsync();
        await visitor.StartAsync(referral is null ? new { about = "victim" } : new { about = "victim", referral });
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await expert.Hub.InvokeAsync("EndChat", conversationId);
        var prefill = (await expert.Inbox.Next("ChatEnded")).GetProperty("form");
        // Not "de website": nobody said so, and the statistics would count it as how the contact came about.
        Assert.Empty(prefill.GetProperty("referralSources").EnumerateArray());
        Assert.Equal("victim", prefill.GetProperty("contactSeeker").GetString());
    }

    [Fact]
    public async Task WhatTheVisitorDidNotSayStartsUnansweredAfterAReloadToo()
    {
        await using var expert = await App.ExpertAsync(1);
        await using var visitor = await App.VisitorAsync();
        await visitor.StartAsync(new { about = "unspecified" }); // "Zeg ik liever niet", and no answer about earlier contact
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await expert.Hub.InvokeAsync("EndChat", conversationId);
        var prefill = (await expert.Inbox.Next("ChatEnded")).GetProperty("form");
        // Not "onbekend": that is the expert's answer to give; until 2026-12-05 the form showed it as given.
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (prefill.GetProperty("conversation").ValueKind, prefill.GetProperty("contactSeeker").ValueKind));
        var client = await App.ExpertClientAsync(1);
        var pending = (await client.GetFromJsonAsync<JsonElement>("/api/contacts/pending")).EnumerateArray().Single(p => p.GetProperty("conversationId").GetString() == conversationId);
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (pending.GetProperty("conversation").ValueKind, pending.GetProperty("contactSeeker").ValueKind));
        // Saved without them, the form names both; "onbekend" chosen is an answer like any other.
        var form = new Dictionary<string, object?>
        {
            ["conversationId"] = conversationId, ["durationMinutes"] = prefill.GetProperty("durationMinutes").GetInt32(), ["contactType"] = "website-chat",
            ["referralSources"] = Array.Empty<string>(), ["support"] = new[] { "listening-ear" }, ["professionalHelp"] = Array.Empty<string>(), ["safety"] = "none",
        };
        var missing = await client.PostAsJsonAsync("/api/contacts", form);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var errors = (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("conversation", out _) && errors.TryGetProperty("contactSeeker", out _));
        form["conversation"] = "unknown";
        form["contactSeeker"] = "unknown";
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/contacts", form)).StatusCode);
    }

    [Fact]
    public async Task FormAfterAChatIsPrefilledAndIdempotentOnTheConversation()
    {
        await using var expert = await App.ExpertAsync(1);
        await using var visitor = await App.VisitorAsync();
        await visitor.StartAsync(new { about = "both", followUp = true, referral = "flyer-victims" });
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await expert.Hub.InvokeAsync("EndChat", conversationId);
        var prefill = (await expert.Inbox.Next("ChatEnded")).GetProperty("form");
        Assert.Equal("victim-and-perpetrator", prefill.GetProperty("contactSeeker").GetString());
        Assert.Equal("follow-up", prefill.GetProperty("conversation").GetString());
        Assert.Equal(["flyer-victims"], prefill.GetProperty("referralSources").EnumerateArray().Select(e => e.GetString()));

        var client = await App.ExpertClientAsync(1);
        var pending = await client.GetFromJsonAsync<JsonElement>("/api/contacts/pending");
        Assert.Equal(conversationId, pending[0].GetProperty("conversationId").GetString());

        var form = new
        {
            conversationId,
            durationMinutes = prefill.GetProperty("durationMinutes").GetInt32(),
            conversation = "follow-up", contactType = "website-chat", contactSeeker = "victim-and-perpetrator",
            referralSources = new[] { "flyer-victims" }, support = new[] { "listening-ear" }, safety = "none",
        };
        var r1 = await client.PostAsJsonAsync("/api/contacts", form);
        Assert.Equal(HttpStatusCode.Created, r1.StatusCode);
        var r2 = await client.PostAsJsonAsync("/api/contacts", form);
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        Assert.Equal((await r1.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString(),
            (await r2.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/contacts/pending")).GetArrayLength());

        // Another expert cannot file a form for this chat.
        var other = await App.ExpertClientAsync(2);
        var r3 = await other.PostAsJsonAsync("/api/contacts", form);
        Assert.Equal(HttpStatusCode.Conflict, r3.StatusCode);
    }

    [Fact]
    public async Task FormForAnUnknownConversationIsRefused()
    {
        var client = await App.ExpertClientAsync(1);
        var r = await client.PostAsJsonAsync("/api/contacts", new
        {
            conversationId = "nope", durationMinutes = 10, conversation = "first", contactType = "website-chat",
            contactSeeker = "victim", support = new[] { "listening-ear" }, safety = "none",
        });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.True((await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("conversationId", out _));
    }

    [Fact]
    public async Task ExpertsSeeTheirOwnFormsAndCoordinatorsSeeAll()
    {
        var e1 = await App.ExpertClientAsync(1);
        var e2 = await App.ExpertClientAsync(2);
        Assert.Equal(HttpStatusCode.Created, (await e1.PostAsJsonAsync("/api/contacts", PhoneForm())).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await e2.PostAsJsonAsync("/api/contacts", PhoneForm(20))).StatusCode);
        Assert.Equal(1, (await e1.GetFromJsonAsync<JsonElement>("/api/contacts")).GetArrayLength());
        Assert.Equal(1, (await e2.GetFromJsonAsync<JsonElement>("/api/contacts")).GetArrayLength());
        var coordinator = await App.CoordinatorClientAsync();
        // The forms happened two hours ago: yesterday in Amsterdam when the test runs just after midnight.
        var (yesterday, today) = (DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd"), DateTime.UtcNow.ToString("yyyy-MM-dd"));
        Assert.Equal(2, (await coordinator.GetFromJsonAsync<JsonElement>($"/api/contacts?from={yesterday}&to={today}")).GetArrayLength());
        Assert.Equal(0, (await coordinator.GetFromJsonAsync<JsonElement>("/api/contacts?from=2020-01-01&to=2020-01-31")).GetArrayLength());
    }

    [Fact]
    public async Task BadDateParametersAreNamed()
    {
        var client = await App.ExpertClientAsync(1);
        var r = await client.GetAsync("/api/contacts?from=23-11-2026");
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.True((await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("from", out _));
        var r2 = await client.GetAsync("/api/contacts?from=2026-02-01&to=2026-01-01");
        Assert.Equal(HttpStatusCode.BadRequest, r2.StatusCode);
    }

    [Fact]
    public async Task ContactFormsNeedASignedInExpert()
    {
        var anonymous = App.CreateClient(new() { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/contacts", PhoneForm())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/contacts")).StatusCode);
    }
}

public sealed class SqliteContactFormsApiTests : ContactFormsApiTests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresContactFormsApiTests(PostgresServer postgres) : ContactFormsApiTests
{
    protected override Task<ChatApp> CreateAppAsync() => postgres.AppAsync();
}
