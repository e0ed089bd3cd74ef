using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using Chat.Server.Operations;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Operations;

/// <summary>Health, metrics and static files in process (TestServer).</summary>
public sealed class OperationsTests
{
    [Fact]
    public async Task HealthEndpointsAnswerWithTheStatusOnly()
    {
        await using var app = new ChatApp();
        var client = app.CreateClient();
        foreach (var path in new[] { "/health/live", "/health/ready" })
        {
            var r = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("Healthy", await r.Content.ReadAsStringAsync()); // no check names, no timings, no errors
        }
    }

    [Fact]
    public async Task MetricsAreNotServedToACallerWithoutAnAllowedAddress()
    {
        await using var app = new ChatApp(); // TestServer: no remote address, so not loopback
        var r = await app.CreateClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.DoesNotContain("chat_", await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CountersAndHistogramsCarryOnlyFixedCodes()
    {
        await using var app = new ChatApp();
        var metrics = app.Services.GetRequiredService<ChatMetrics>();
        var seen = new List<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == ChatMetrics.MeterName) l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) =>
        {
            lock (seen) seen.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
        });
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) =>
        {
            lock (seen) seen.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
        });
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) =>
        {
            lock (seen) seen.Add((i.Name, v, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
        });
        listener.Start();

        metrics.RequestOutcome(ChatMetrics.Outcomes.Queued);
        metrics.RequestOutcome(ChatMetrics.Outcomes.Refused);
        metrics.MessageStored("visitor");
        metrics.Assigned(TimeSpan.FromSeconds(42), "normal");
        using (metrics.TimeAssignment()) { }
        listener.RecordObservableInstruments();

        lock (seen)
        {
            Assert.Contains(seen, m => m.Name == "chat.requests" && (string?)m.Tags["outcome"] == "queued");
            Assert.Contains(seen, m => m.Name == "chat.requests" && (string?)m.Tags["outcome"] == "refused");
            Assert.Contains(seen, m => m.Name == "chat.messages" && (string?)m.Tags["from"] == "visitor");
            Assert.Contains(seen, m => m.Name == "chat.queue.wait" && m.Value == 42 && (string?)m.Tags["priority"] == "normal");
            Assert.Contains(seen, m => m.Name == "chat.assignment.duration");
            foreach (var name in new[] { "chat.queue.waiting", "chat.conversations.active", "chat.experts.available" })
                Assert.Contains(seen, m => m.Name == name && m.Tags.Count == 0);
            // Tags are the fixed codes only: never an id, an address or text.
            Assert.All(seen.SelectMany(m => m.Tags.Keys), k => Assert.Contains(k, new[] { "outcome", "from", "priority" }));
        }
    }

    [Fact]
    public async Task WidgetFilesAreCompressedTheLoaderCachedBrieflyAndTheHeadersKept()
    {
        await using var app = new ChatApp();
        var client = app.CreateClient();
        var loader = new HttpRequestMessage(HttpMethod.Get, "/widget.js");
        loader.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var r = await client.SendAsync(loader);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("gzip", r.Content.Headers.ContentEncoding);
        Assert.Equal(TimeSpan.FromMinutes(5), r.Headers.CacheControl?.MaxAge);
        Assert.Equal("cross-origin", r.Headers.GetValues("Cross-Origin-Resource-Policy").Single());
        Assert.NotNull(r.Headers.ETag);

        var page = new HttpRequestMessage(HttpMethod.Get, "/widget/");
        page.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip")); // brotli too once published
        var widget = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.OK, widget.StatusCode);
        Assert.Contains("gzip", widget.Content.Headers.ContentEncoding);
        Assert.True(widget.Headers.CacheControl?.NoCache); // fixed names: revalidated (ETag) so a deployment shows at once
        Assert.Contains("frame-ancestors", widget.Headers.GetValues("Content-Security-Policy").Single());

        // Without Accept-Encoding the plain file, still under its public paths.
        Assert.Contains("<html", await client.GetStringAsync("/demo"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<html", await client.GetStringAsync("/widget/"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task EveryPublicPathOfTheSiteIsRewrittenAndNothingElse()
    {
        await using var app = new ChatApp();
        var client = app.CreateClient();
        Assert.Contains("<html", await client.GetStringAsync("/"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<html", await client.GetStringAsync("/demo/"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains(".launcher", await client.GetStringAsync("/widget.css"), StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrWhiteSpace(await client.GetStringAsync("/widget/app.js")));
        var bare = await client.GetAsync("/widget"); // redirected (the client follows it)
        Assert.Equal(HttpStatusCode.OK, bare.StatusCode);
        Assert.EndsWith("/widget/", bare.RequestMessage?.RequestUri?.ToString());
        // Not a public path: not rewritten, so no file is found under it.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/widgets/app.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/widget.js")).StatusCode);

        // The policy: the site's own pages may be framed by nobody else, the widget by the sites allowed to embed it.
        var home = await client.GetAsync("/");
        Assert.EndsWith("frame-ancestors 'self'", home.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("SAMEORIGIN", home.Headers.GetValues("X-Frame-Options").Single());
        var widget = await client.GetAsync("/widget/");
        Assert.StartsWith("default-src 'self';", widget.Headers.GetValues("Content-Security-Policy").Single());
        Assert.False(widget.Headers.Contains("X-Frame-Options"));
    }
}

public sealed class LogScrubTests
{
    [Theory]
    [InlineData("from 192.168.1.20 now", "from [address] now")]
    [InlineData("peer [2001:db8::5]:443", "peer [address]")]
    [InlineData("loopback ::1 and fe80::1%eth0", "loopback [address] and [address]")]
    [InlineData("GET http://10.0.0.1:8080/api/x?token=abc", "GET http://[address]/api/x?[query]")]
    [InlineData("path /api/visitor/leave?from=x", "path /api/visitor/leave?[query]")]
    [InlineData("token abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO_-12", "token [token]")]
    [InlineData("key-7e823687-7852-4a6b-9b74-9ebc0077e351.xml", "key-7e823687-7852-4a6b-9b74-9ebc0077e351.xml")]
    [InlineData("Waarom? Omdat 12:30:00 en versie 10.0 prima zijn.", "Waarom? Omdat 12:30:00 en versie 10.0 prima zijn.")]
    public void ScrubRemovesAddressesQueriesAndTokensOnly(string text, string expected) =>
        Assert.Equal(expected, Chat.Server.Abuse.LogHygiene.Scrub(text));
}
