using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Storage;
using Chat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Chat.Tests.Scaleout;

/// <summary>
/// The deployment of several nodes: live state in Redis, records in one PostgreSQL database (<c>Records:Provider=Postgres</c>),
/// both real servers started by the fixtures.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class PostgresDeploymentTests(RedisServer redis, PostgresServer postgres) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private readonly List<ChatApp> _apps = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
    }

    private async Task<(ChatApp A, ChatApp B)> TwoNodesAsync()
    {
        var records = await postgres.CreateDatabaseAsync();
        var prefix = $"pg{Guid.NewGuid():n}:";
        ChatApp Node() => new(new()
        {
            ["Records:Provider"] = "Postgres",
            ["ConnectionStrings:Records"] = records,
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Redis:KeyPrefix"] = prefix,
        });
        var (a, b) = (Node(), Node());
        _apps.Add(a);
        _apps.Add(b);
        // Both start at the same moment on an empty database: one creates the schema and the accounts, the other waits.
        await Task.WhenAll(Task.Run(() => a.Server), Task.Run(() => b.Server));
        return (a, b);
    }

    [Fact]
    public async Task TwoNodesStartingTogetherShareOneDatabaseAndAChatOnOneIsCountedOnTheOther()
    {
        var (a, b) = await TwoNodesAsync();
        using (var scope = a.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
            Assert.Equal(1, await db.SchemaVersions.CountAsync());
            Assert.Equal(1, await db.Users.CountAsync(u => u.UserName == "expert1"));
        }

        await using var expert = await b.ExpertAsync(1);
        await using var visitor = await a.VisitorAsync();
        await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await visitor.SendAsync("v1", "hallo");
        await expert.Hub.InvokeAsync("EndChat", conversationId);
        var ended = await expert.Inbox.Next("ChatEnded");

        // The expert files the form on node B; the coordinator reads the figures on node A.
        var form = ended.GetProperty("form");
        var client = await b.ExpertClientAsync(1);
        var r = await client.PostAsJsonAsync("/api/contacts", new
        {
            conversationId,
            occurredAt = form.GetProperty("occurredAt").GetDateTimeOffset(),
            durationMinutes = 5,
            conversation = "first",
            contactType = form.GetProperty("contactType").GetString(),
            contactSeeker = "victim",
            referralSources = new[] { "website" },
            support = new[] { "listening-ear" },
            professionalHelp = Array.Empty<string>(),
            safety = "none",
        });
        Assert.True(r.StatusCode == System.Net.HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        var coordinator = await a.CoordinatorClientAsync();
        var yesterday = DateTimeOffset.UtcNow.AddDays(-1).ToString("yyyy-MM-dd");
        var tomorrow = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd");
        var report = await coordinator.GetFromJsonAsync<JsonElement>($"/api/statistics?from={yesterday}&to={tomorrow}");
        Assert.Equal(1, report.GetProperty("contacts").GetInt32());
        Assert.Equal(1, report.GetProperty("chat").GetProperty("answered").GetInt32());
        Assert.Equal(0, report.GetProperty("chat").GetProperty("formsMissing").GetInt32());
    }

    [Fact]
    public async Task ANodeThatStartsDoesNotEndTheShiftOfAnExpertWorkingOnAnotherNode()
    {
        var (a, _) = await TwoNodesAsync();
        await using var expert = await a.ExpertAsync(1); // on shift, served by node A

        // A third node starts (a deploy, a crash restart): shifts left open by a stopped node end, this one does not.
        var c = new ChatApp(new()
        {
            ["Records:Provider"] = "Postgres",
            ["ConnectionStrings:Records"] = a.Services.GetRequiredService<IConfiguration>().GetConnectionString("Records"),
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Redis:KeyPrefix"] = a.Services.GetRequiredService<IConfiguration>()["Redis:KeyPrefix"],
        });
        _apps.Add(c);
        _ = c.Server;
        using var scope = c.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        var shift = await db.Shifts.SingleAsync();
        Assert.Null(shift.EndedAt);
    }

    [Theory]
    [InlineData("Postgres", null, "needs ConnectionStrings:Records")]
    [InlineData("Oracle", "Host=x", "'Oracle' is not known")]
    public void ABadRecordsSettingStopsTheStartWithAClearMessage(string provider, string? connectionString, string message)
    {
        using var app = new ChatApp(new() { ["Records:Provider"] = provider, ["ConnectionStrings:Records"] = connectionString ?? "" });
        var ex = Assert.ThrowsAny<Exception>(() => app.Server);
        while (ex.InnerException is not null && !ex.Message.Contains(message)) ex = ex.InnerException;
        Assert.Contains(message, ex.Message);
    }
}
