using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Scaleout;

/// <summary>Real server processes on one real redis-server; the visitor's node is killed with kill -9 mid-chat.</summary>
[Collection(RedisCollection.Name)]
public sealed class NodeCrashTests(RedisServer redis)
{
    [Fact]
    public async Task WhenTheVisitorsNodeIsKilledEveryAcknowledgedMessageArrivesOnceAndInOrder()
    {
        using var nodes = new NodeEnvironment(redis);
        var env = nodes.Env;
        await using var nodeA = await ServerProcess.StartAsync(env);
        await using var nodeB = await ServerProcess.StartAsync(env);

        var expertHub = nodeB.Hub("/hubs/expert", await nodeB.CookieAsync("expert1", "Demo-Expert-1"));
        var expert = new Expert(expertHub);
        await expertHub.StartAsync();
        await expertHub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");

        var visitorHub = nodeA.Hub("/hubs/visitor");
        var visitor = new Visitor(visitorHub);
        await visitorHub.StartAsync();
        var start = await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;

        // The visitor sends; the client keeps every message it has not seen acknowledged, to resend it.
        var acked = new Dictionary<string, long>();
        var unacked = new List<(string Id, string Text)>();
        for (var i = 1; i <= 20; i++)
        {
            var id = $"v{i}";
            var text = $"bericht {i}";
            if (i == 12) await nodeA.KillAsync(); // the node dies between two sends
            try
            {
                acked[id] = (await visitor.SendAsync(id, text)).Seq;
            }
            catch (Exception)
            {
                unacked.Add((id, text));
            }
        }
        Assert.Equal(11, acked.Count);

        // The client reconnects to the other node, resumes, and resends what was not acknowledged, same ids.
        await visitorHub.DisposeAsync();
        var againHub = nodeB.Hub("/hubs/visitor");
        var again = new Visitor(againHub);
        await againHub.StartAsync();
        var resumed = await againHub.InvokeAsync<JsonElement>("Resume", start.ResumeToken, acked.Values.Max());
        Assert.Equal("active", resumed.GetProperty("status").GetString());
        foreach (var (id, text) in unacked) acked[id] = (await again.SendAsync(id, text)).Seq;

        // The expert saw each of the 20 exactly once, in order of sequence.
        var seen = new List<JsonElement>();
        while (seen.Count < 20)
            seen.Add(await expert.Inbox.Until("MessageReceived", m => m.GetProperty("from").GetString() == "visitor"));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"bericht {i}"), seen.Select(m => m.GetProperty("text").GetString()));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), seen.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Equal(acked.OrderBy(kv => kv.Value).Select(kv => kv.Key), seen.Select(m => m.GetProperty("clientMessageId").GetString()));

        // And the expert's reply reaches the visitor on the surviving node.
        await expert.SendAsync(conversationId, "e1", "ik ben er nog");
        var reply = await again.Inbox.Until("MessageReceived", m => m.GetProperty("from").GetString() == "expert");
        Assert.Equal(21, reply.GetProperty("seq").GetInt64());

        await againHub.DisposeAsync();
        await expertHub.DisposeAsync();
    }
}

[Collection(RedisCollection.Name)]
public sealed class DeadNodeTests(RedisServer redis)
{
    [Fact]
    public async Task AnExpertWhoseNodeDiedIsNeverAssignedAVisitor()
    {
        using var nodes = new NodeEnvironment(redis);
        nodes.Env["Redis__NodeTimeout"] = "00:00:02";
        nodes.Env["Chat__SweepInterval"] = "00:00:01";
        var env = nodes.Env;
        await using var nodeA = await ServerProcess.StartAsync(env);
        await using var nodeB = await ServerProcess.StartAsync(env);
        var expertHub = nodeA.Hub("/hubs/expert", await nodeA.CookieAsync("expert1", "Demo-Expert-1"));
        await expertHub.StartAsync();
        await expertHub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
        using var http = new HttpClient { BaseAddress = new Uri(nodeB.BaseUrl) };
        Assert.True((await http.GetFromJsonAsync<JsonElement>("/api/status")).GetProperty("open").GetBoolean());

        await nodeA.KillAsync(); // the expert's connection dies with the node; nobody says goodbye

        // Node B notices when A's heartbeat expires (2 s) at its next sweep (1 s): observed through the status.
        var open = true;
        for (var i = 0; i < 60 && open; i++)
        {
            open = (await http.GetFromJsonAsync<JsonElement>("/api/status")).GetProperty("open").GetBoolean();
            if (open) await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        Assert.False(open);

        await using var visitorHub = nodeB.Hub("/hubs/visitor");
        await visitorHub.StartAsync();
        var start = await visitorHub.InvokeAsync<StartChatResult>("StartChat", new { });
        Assert.Equal("closed", start.Status); // not queued for, let alone assigned to, the expert who is gone
        await expertHub.DisposeAsync();
    }

    [Fact]
    public async Task WhenTheVisitorsNodeDiesTheExpertIsToldToReload()
    {
        using var nodes = new NodeEnvironment(redis);
        nodes.Env["Redis__NodeTimeout"] = "00:00:02";
        nodes.Env["Chat__SweepInterval"] = "00:00:01";
        await using var nodeA = await ServerProcess.StartAsync(nodes.Env);
        await using var nodeB = await ServerProcess.StartAsync(nodes.Env);
        var expertHub = nodeB.Hub("/hubs/expert", await nodeB.CookieAsync("expert1", "Demo-Expert-1"));
        var expert = new Expert(expertHub);
        await expertHub.StartAsync();
        await expertHub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
        var visitorHub = nodeA.Hub("/hubs/visitor");
        await visitorHub.StartAsync();
        await new Visitor(visitorHub).StartAsync();
        await expert.Inbox.Next("ChatAssigned");

        // A message node A acknowledged in its last moment may never have been published: once node B sees A is dead,
        // the expert's console reloads the chat from the log (GetState), which has it.
        await nodeA.KillAsync();
        Assert.Equal("node-lost", (await expert.Inbox.Next("Resync")).GetProperty("reason").GetString());
        await expertHub.DisposeAsync();
    }
}
