using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Deployment;

/// <summary>
/// The deployment of docker-compose.yml without Docker: Debian's nginx running the repository's deploy/nginx.conf (its
/// addresses replaced) in front of two real nodes in Redis mode (a real redis-server) with their records in a real
/// PostgreSQL. The clients reach the nodes through nginx only, from an address of their own on the loopback network.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class LoadBalancerTests(RedisServer redis, PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task AChatThroughNginxSurvivesTheKillOfItsNodeAndNoLogHoldsTheClientsAddress()
    {
        var client = IPAddress.Parse($"127.77.{Random.Shared.Next(10, 250)}.{Random.Shared.Next(10, 250)}");
        using var nodes = new NodeEnvironment(redis);
        nodes.Env["Records__Provider"] = "Postgres";
        nodes.Env["ConnectionStrings__Records"] = await postgres.CreateDatabaseAsync();
        nodes.Env["Network__TrustedProxies__0"] = "127.0.0.1";     // nginx, as the compose file trusts the load balancer
        nodes.Env["Logging__LogLevel__Default"] = "Information";   // more to read for the address
        nodes.Env["Metrics__AllowedNetworks__0"] = "127.0.0.0/8";  // the client's address too: only nginx keeps /metrics from it
        var (portA, portB, port) = (ServerProcess.FreePort(), ServerProcess.FreePort(), ServerProcess.FreePort());

        // Node A first; nginx picks A or B at random and turns to A while nothing listens on B's port.
        await using var nodeA = await ServerProcess.StartAsync(nodes.Env, portA);
        await using var nginx = await NginxServer.StartAsync(NginxServer.Config(port, portA, portB), port);
        ServerProcess? nodeB = null;
        try
        {
            using var http = new HttpClient(HubClient.Handler(client)) { BaseAddress = new Uri(nginx.BaseUrl) };

            // The scheme is nginx's own: a client's X-Forwarded-Proto is not believed (a cookie marked Secure would say so).
            var login = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { userName = "expert1", password = "Demo-Expert-1" }) };
            login.Headers.Add("X-Forwarded-Proto", "https");
            var signedIn = await http.SendAsync(login);
            Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
            var setCookie = signedIn.Headers.GetValues("Set-Cookie").ToList();
            Assert.DoesNotContain(setCookie, c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));
            var cookie = string.Join("; ", setCookie.Select(c => c.Split(';')[0]));

            var expert = await ExpertAsync(nginx, cookie, client);
            var visitor = new Visitor(HubClient.Hub(nginx.BaseUrl, "/hubs/visitor", from: client));
            await visitor.Hub.StartAsync();
            var token = (await visitor.StartAsync()).ResumeToken!;
            var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
            for (var i = 1; i <= 3; i++) Assert.Equal(i, (await visitor.SendAsync($"v{i}", $"bericht {i}")).Seq);
            await expert.SendAsync(conversationId, "e1", "Ik lees mee.");
            await visitor.Inbox.Until("MessageReceived", m => m.GetProperty("clientMessageId").GetString() == "e1");

            // Node B joins; both serve through nginx.
            nodeB = await ServerProcess.StartAsync(nodes.Env, portB);
            for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/status")).StatusCode);

            // Node A dies with both connections: they reconnect through nginx, which finds B.
            var visitorClosed = Closed(visitor.Hub);
            var expertClosed = Closed(expert.Hub);
            await nodeA.KillAsync();
            await Task.WhenAll(visitorClosed, expertClosed).WaitAsync(Inbox.Timeout);
            for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/status")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);

            var again = new Visitor(HubClient.Hub(nginx.BaseUrl, "/hubs/visitor", from: client));
            await again.Hub.StartAsync();
            var resumed = await again.Hub.InvokeAsync<JsonElement>("Resume", token, 0);
            Assert.Equal("active", resumed.GetProperty("status").GetString());
            for (var i = 4; i <= 6; i++) Assert.Equal(i + 1, (await again.SendAsync($"v{i}", $"bericht {i}")).Seq);
            var expertAgain = await ExpertAsync(nginx, cookie, client);
            var state = await expertAgain.Hub.InvokeAsync<JsonElement>("GetState");
            var chat = Assert.Single(state.GetProperty("conversations").EnumerateArray());
            // Nothing lost, nothing twice, in order: the visitor's six messages and the expert's one.
            Assert.Equal(["bericht 1", "bericht 2", "bericht 3", "Ik lees mee.", "bericht 4", "bericht 5", "bericht 6"],
                chat.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()!).ToArray());
            await expertAgain.SendAsync(conversationId, "e2", "Nog steeds hier.");
            await again.Inbox.Until("MessageReceived", m => m.GetProperty("clientMessageId").GetString() == "e2");

            // /metrics stays inside nginx however it is spelled (nginx's own 404 page, not the node's empty one).
            foreach (var path in new[] { "/metrics", "/METRICS", "/metrics/", "/Metrics?x=1", "//metrics", "/%6Detrics" })
            {
                var r = await http.GetAsync(nginx.BaseUrl + path);
                Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
                Assert.Contains("nginx", await r.Content.ReadAsStringAsync());
            }

            // A planned stop of B: the WebSocket through nginx ends with a close frame, not a reset (1006).
            await again.DisposeAsync();
            await expertAgain.DisposeAsync();
            using var raw = await GracefulStopTests.HandshakeAsync(new Uri(nginx.BaseUrl.Replace("http", "ws") + "/hubs/visitor"),
                new HttpMessageInvoker(HubClient.Handler(client)));
            var stopping = nodeB.StopAsync(TimeSpan.FromSeconds(40));
            var (status, _) = await GracefulStopTests.ReadUntilCloseAsync(raw);
            Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
            await stopping;
        }
        finally
        {
            if (nodeB is not null) await nodeB.DisposeAsync();
        }

        // No log of nginx (access and error) or of either node holds the client's address.
        await nginx.StopAsync();
        Assert.Contains(nginx.AccessLog, l => l.Contains("\"GET /api/status\" 200"));
        var logs = nginx.AccessLog.Select(l => ("nginx access", l)).Concat(nginx.ErrorLog.Select(l => ("nginx error", l)))
            .Concat(nodeA.Output.Select(l => ("node A", l))).Concat(nodeB.Output.Select(l => ("node B", l)));
        var leaked = logs.Where(l => l.Item2.Contains(client.ToString())).Select(l => $"{l.Item1}: {l.Item2}").ToList();
        Assert.True(leaked.Count == 0, string.Join("\n", leaked));
    }

    [Fact]
    public async Task TheComposeFileIsValidAndItsNodesTrustTheLoadBalancersAddress()
    {
        var env = new Dictionary<string, string>
        {
            ["CHAT_COORDINATOR_USER"] = "coordinatie", ["CHAT_COORDINATOR_PASSWORD"] = "Sterk-Wachtwoord-2026",
            ["CHAT_DB_PASSWORD"] = "db-geheim", ["CHAT_REDIS_PASSWORD"] = "redis-geheim", ["CHAT_EMBED_ORIGIN"] = "https://www.example.org",
        };
        var (ok, config) = await ComposeConfigAsync(env);
        Assert.True(ok, config);
        var lb = System.Text.RegularExpressions.Regex.Match(config, @"ipv4_address: (\S+)").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(lb), config);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(config, $@"Network__TrustedProxies__0: {System.Text.RegularExpressions.Regex.Escape(lb)}\b").Count);
        Assert.Contains("redis:6379,password=redis-geheim", config);

        // A required setting left out stops it with its message.
        env.Remove("CHAT_DB_PASSWORD");
        var (okWithout, message) = await ComposeConfigAsync(env);
        Assert.False(okWithout);
        Assert.Contains("CHAT_DB_PASSWORD", message);
    }

    private static async Task<(bool Ok, string Output)> ComposeConfigAsync(Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo("docker-compose", "-f docker-compose.yml config")
        {
            WorkingDirectory = ServerProcess.RepoRoot(), RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var k in psi.Environment.Keys.Where(k => k.StartsWith("CHAT_") || k.StartsWith("OTEL_")).ToList()) psi.Environment.Remove(k);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("docker-compose is not installed: run scripts/test.sh, which installs it.", ex);
        }
        using (p)
        {
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            return (p.ExitCode == 0, await output + await error);
        }
    }

    private static async Task<Expert> ExpertAsync(NginxServer nginx, string cookie, IPAddress from)
    {
        var expert = new Expert(HubClient.Hub(nginx.BaseUrl, "/hubs/expert", o => o.SetRequestHeader("Cookie", cookie), from));
        await expert.Hub.StartAsync();
        await expert.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
        return expert;
    }

    private static Task Closed(HubConnection hub)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        return closed.Task;
    }
}
