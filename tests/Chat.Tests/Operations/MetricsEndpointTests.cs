using System.Net;
using System.Text.RegularExpressions;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Operations;

/// <summary>/metrics on a real server process, scraped from an allowed address and from one that is not.</summary>
public sealed class MetricsEndpointTests
{
    private static readonly IPAddress Outsider = IPAddress.Parse("127.0.0.2"); // loopback too, but not in the allowed network

    [Fact]
    public async Task MetricsShowTheQueueMovingDuringAChatAndAreRefusedOutsideTheAllowedNetworks()
    {
        var dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        try
        {
            await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>(ServerProcess.OwnData(dir))
            {
                ["Metrics__AllowedNetworks__0"] = "127.0.0.1/32",
                ["Metrics__SnapshotInterval"] = "00:00:00",
            });
            using var scraper = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            using var outsider = new HttpClient(HubClient.Handler(Outsider)) { BaseAddress = new Uri(server.BaseUrl) };

            var refused = await outsider.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.DoesNotContain("chat_queue", await refused.Content.ReadAsStringAsync());

            // An expert on shift but paused: the visitor waits.
            var expertHub = server.Hub("/hubs/expert", await server.CookieAsync("expert1", "Demo-Expert-1"));
            var expert = new Expert(expertHub);
            await expertHub.StartAsync();
            await expertHub.InvokeAsync<AvailabilityResult>("SetAvailability", "paused");
            var visitorHub = server.Hub("/hubs/visitor");
            var visitor = new Visitor(visitorHub);
            await visitorHub.StartAsync();
            Assert.Equal("queued", (await visitor.StartAsync()).Status);
            await Scraped(scraper, "chat_queue_waiting", 1);
            await Scraped(scraper, "chat_conversations_active", 0);
            await Scraped(scraper, "chat_experts_available", 0);

            // The expert becomes available and takes the chat: the queue empties, one conversation runs.
            await expertHub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
            var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
            await Scraped(scraper, "chat_queue_waiting", 0);
            await Scraped(scraper, "chat_conversations_active", 1);

            await visitor.SendAsync("v1", "hallo");
            await expert.Inbox.Next("MessageReceived");
            await Scraped(scraper, "chat_messages_total", 1);
            await Scraped(scraper, "chat_requests_total", 1); // outcome "queued"

            await expertHub.InvokeAsync("EndChat", conversationId);
            await visitor.Inbox.Next("ChatEnded");
            await Scraped(scraper, "chat_conversations_active", 0);
            Assert.Contains("chat_queue_wait_seconds_count", await scraper.GetStringAsync("/metrics"));

            var text = await scraper.GetStringAsync("/metrics");
            // The runtime's own figures too (GC pauses, heap, thread pool), for the stalls an operator looks into.
            Assert.Contains("dotnet_gc_pause_time_seconds_total", text);
            Assert.Contains("dotnet_thread_pool_queue_length", text);
            // Labels hold fixed codes only: nothing that looks like an id, an address or a text.
            foreach (Match label in Regex.Matches(text, @"(\w+)=""([^""]*)"""))
                Assert.Matches(@"^[\w.:\-+ ]{0,60}$", label.Groups[2].Value);
            Assert.DoesNotContain(conversationId, text);
            Assert.DoesNotContain("127.0.0.1", text);

            await visitorHub.DisposeAsync();
            await expertHub.DisposeAsync();
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { /* best effort */ }
        }
    }

    /// <summary>Scrapes until the gauge shows the value (the exporter caches a scrape for a moment).</summary>
    private static async Task Scraped(HttpClient scraper, string gauge, int expected)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string last = "";
        while (DateTime.UtcNow < until)
        {
            var text = await scraper.GetStringAsync("/metrics");
            var m = Regex.Match(text, $@"^{gauge}(?:\{{[^}}]*\}})? (\S+)", RegexOptions.Multiline);
            last = m.Success ? m.Groups[1].Value : "(absent)";
            if (m.Success && double.Parse(last, System.Globalization.CultureInfo.InvariantCulture) == expected) return;
            await Task.Delay(100);
        }
        Assert.Fail($"{gauge} was {last}, expected {expected}.");
    }
}
