using System.Net;
using System.Text;
using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Privacy;

/// <summary>The real process's whole output over a scripted chat: nothing private in any line, whatever the level.</summary>
public sealed class ProcessLogTests
{
    private static readonly IPAddress VisitorAddress = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task NoLogLineOfAWholeChatHoldsTheTextsTheTokenOrTheAddress()
    {
        const string visitorSecret = "Ik-woon-op-de-Kerkstraat-12-in-Zwolle";
        const string expertSecret = "Bel-gerust-naar-Dorpsplein-7";
        const string laterSecret = "Mijn-partner-komt-om-zes-uur-thuis";
        const string agent = "GeheimeBrowser/9.9 (huistelefoon)";
        var dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        try
        {
            await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>(ServerProcess.OwnData(dir))
            {
                ["Logging__Format"] = "json",
                // Everything the framework and our code write down to Debug: the rule must hold at any level an operator sets.
                ["Logging__LogLevel__Default"] = "Debug",
                ["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug",
                ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Debug",
            });

            var expertHub = server.Hub("/hubs/expert", await server.CookieAsync("expert1", "Demo-Expert-1"));
            var expert = new Expert(expertHub);
            await expertHub.StartAsync();
            await expertHub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");

            // The visitor, from an address of their own, with a browser that names itself.
            var visitorHub = HubClient.Hub(server.BaseUrl, "/hubs/visitor", o => o.SetRequestHeader("User-Agent", agent), VisitorAddress);
            var visitor = new Visitor(visitorHub);
            await visitorHub.StartAsync();
            var start = await visitor.StartAsync(new { about = "victim" });
            var token = start.ResumeToken!;
            var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
            await visitor.SendAsync("v1", visitorSecret);
            await expert.Inbox.Next("MessageReceived");
            await expert.SendAsync(conversationId, "e1", expertSecret);
            await visitor.Inbox.Until("MessageReceived", m => m.GetProperty("from").GetString() == "expert");
            // A refused send (too long) and a bad call: their refusals are logged, their input is not.
            await Assert.ThrowsAnyAsync<Exception>(() => visitor.SendAsync("v2", visitorSecret + new string('x', 2001)));

            // The page reloads: a new connection resumes the chat with the token.
            await visitorHub.DisposeAsync();
            var againHub = HubClient.Hub(server.BaseUrl, "/hubs/visitor", o => o.SetRequestHeader("User-Agent", agent), VisitorAddress);
            var again = new Visitor(againHub);
            await againHub.StartAsync();
            var resumed = await againHub.InvokeAsync<JsonElement>("Resume", token, 0L);
            Assert.Equal("active", resumed.GetProperty("status").GetString());
            await again.SendAsync("v3", laterSecret);
            await expert.Inbox.Until("MessageReceived", m => m.GetProperty("text").GetString() == laterSecret);

            // Quick exit: the beacon carries the token (and a query string the log must not keep).
            using var beacon = new HttpClient(HubClient.Handler(VisitorAddress)) { BaseAddress = new Uri(server.BaseUrl) };
            beacon.DefaultRequestHeaders.UserAgent.ParseAdd(agent);
            var leave = await beacon.PostAsync("/api/visitor/leave?from=" + laterSecret, new StringContent(token, Encoding.UTF8, "text/plain"));
            Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);
            Assert.Equal("visitor", (await expert.Inbox.Next("ChatEnded")).GetProperty("endedBy").GetString());
            await againHub.DisposeAsync();
            await expertHub.DisposeAsync();

            // The last request's own log line shows the output has caught up.
            await beacon.GetAsync("/api/status");
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (!server.Output.Any(l => l.Contains("/api/status") && l.Contains("responded")) && DateTime.UtcNow < until) await Task.Delay(100);

            var lines = server.Output.ToList();
            Assert.Contains(lines, l => l.Contains("/api/visitor/leave") && l.Contains("responded")); // request logging is on
            // The framework's Error line with a stack trace per refused hub call (the too-long message above) stays off.
            Assert.DoesNotContain(lines, l => l.Contains("Failed to invoke hub method"));
            Assert.Contains(lines, l => l.Contains("ChatRequested") || l.Contains("requested")); // so is our own logging
            // The server's own listening address stays readable (it names no client); every other line is scanned.
            var listening = Assert.Single(lines, l => l.Contains("Now listening on"));
            Assert.Contains($"\"http://127.0.0.1:{server.Port}\"", listening);
            foreach (var secret in new[] { visitorSecret, expertSecret, laterSecret, token, "127.0.0.2", "127.0.0.1", agent, "GeheimeBrowser" })
                Assert.True(!lines.Any(l => l != listening && l.Contains(secret)), $"'{secret}' in: {lines.FirstOrDefault(l => l != listening && l.Contains(secret))}");
            // Compact JSON, one event a line.
            foreach (var line in lines.Where(l => l.StartsWith('{')))
                Assert.True(JsonDocument.Parse(line).RootElement.TryGetProperty("@t", out _), line);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { /* best effort */ }
        }
    }
}
