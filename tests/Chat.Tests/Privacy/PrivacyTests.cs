using System.Net.Http.Json;
using System.Text;
using Chat.Server.Live;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Privacy;

public sealed class PrivacyTests
{
    [Fact]
    public async Task NoMessageTextOrResumeTokenReachesTheLogsOrTheDatabase()
    {
        const string secret = "Mijn-adres-is-Kerkstraat-12";
        await using var app = new ChatApp();
        await using var expert = await app.ExpertAsync(1);
        await using var visitor = await app.VisitorAsync();
        var start = await visitor.StartAsync(new { about = "victim" });
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await visitor.SendAsync("m1", secret);
        await expert.SendAsync(conversationId, "m2", "Antwoord " + secret);
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => visitor.SendAsync("m3", secret + new string('x', 2001)));
        await expert.Hub.InvokeAsync("EndChat", conversationId);
        await expert.Inbox.Next("ChatEnded");

        var logs = string.Join("\n", app.Logs.Lines);
        Assert.NotEmpty(app.Logs.Lines);
        Assert.DoesNotContain(secret, logs);
        Assert.DoesNotContain(start.ResumeToken!, logs);
        Assert.DoesNotContain("127.0.0.1", logs);

        // The records database holds accounts, forms and drafts: never a message or a token.
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Chat.Server.Storage.RecordsDbContext>();
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(
                Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetConnectionString(db.Database)).DataSource;
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var bytes = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file));
            Assert.DoesNotContain(secret, bytes);
            Assert.DoesNotContain(start.ResumeToken!, bytes);
        }
    }

    [Fact]
    public async Task MessageLogIsDeletedAfterTheGracePeriod()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = new ChatApp { Clock = clock };
        await using var expert = await app.ExpertAsync(1);
        await using var visitor = await app.VisitorAsync();
        var start = await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await visitor.SendAsync("m1", "iets");
        await visitor.Hub.InvokeAsync("LeaveChat");
        await expert.Inbox.Next("ChatEnded");

        var store = app.Services.GetRequiredService<ILiveStore>();
        clock.Advance(TimeSpan.FromMinutes(14));
        await app.Sweeper.SweepAsync();
        Assert.Single(await store.GetMessagesAsync(conversationId, 0)); // still there within the grace

        clock.Advance(TimeSpan.FromMinutes(2));
        await app.Sweeper.SweepAsync();
        Assert.Empty(await store.GetMessagesAsync(conversationId, 0));
        Assert.Null(await store.FindByConversationAsync(conversationId));
        Assert.Null(await store.FindByResumeTokenHashAsync(Chat.Server.Conversations.ResumeTokens.Hash(start.ResumeToken!)));
    }

    [Fact]
    public async Task PagesSendStrictSecurityHeadersAndTheWidgetSetsNoCookie()
    {
        await using var app = new ChatApp();
        var client = app.CreateClient();
        foreach (var path in new[] { "/widget/", "/widget.js", "/demo", "/", "/api/status", "/console/login" })
        {
            var r = await client.GetAsync(path);
            Assert.True(r.IsSuccessStatusCode, path);
            Assert.False(r.Headers.Contains("Set-Cookie") && !path.StartsWith("/console"), $"{path} sets a cookie");
            Assert.Equal("no-referrer", r.Headers.GetValues("Referrer-Policy").Single());
            var csp = r.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'self'", csp);
            Assert.Contains("script-src 'self'", csp);
        }
        var widget = await client.GetAsync("/widget/");
        Assert.Contains("frame-ancestors *", widget.Headers.GetValues("Content-Security-Policy").Single());
        var console = await client.GetAsync("/console/login");
        Assert.Contains("frame-ancestors 'self'", console.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("*", (await client.GetAsync("/api/status")).Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("*", (await client.GetAsync("/api/widget/config")).Headers.GetValues("Access-Control-Allow-Origin").Single());
        var loader = await client.GetStringAsync("/widget.js");
        Assert.DoesNotContain("localStorage", loader);
        Assert.DoesNotContain("document.cookie", loader);
        var status = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/status");
        Assert.False(status.GetProperty("open").GetBoolean());
    }
}
