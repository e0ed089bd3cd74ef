using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Attacks;

/// <summary>
/// The attacks that must hold across nodes (Redis mode): two nodes on real sockets share one redis-server and one
/// records database, as behind the round-robin load balancer of docker-compose.yml. The hash key is made by the first
/// node that needs it and read by the other, so an address is the same bucket on both.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisAttackTests(RedisServer redis) : TwoNodeAttack(redis)
{
    [Fact]
    public async Task ABlockMadeOnOneNodeHoldsOnTheOtherAndIsLiftedFromEither()
    {
        await using var expert = await _b.ExpertAsync(1);
        await using var abuser = await _a.VisitorAsync("203.0.113.200");
        await abuser.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        var block = await expert.Hub.InvokeAsync<BlockResult>("BlockVisitor", conversationId, "abusive");
        await abuser.Inbox.Next("ChatEnded");

        await using var onA = await _a.VisitorAsync("203.0.113.200");
        await using var onB = await _b.VisitorAsync("203.0.113.200");
        var (a, b) = (await onA.StartAsync(), await onB.StartAsync());
        using var coordinatorA = await _a.CoordinatorAsync();
        var listedOnA = (await coordinatorA.GetFromJsonAsync<JsonElement>("/api/blocks")).GetArrayLength();
        using var coordinatorB = await _b.CoordinatorAsync();
        var lift = await coordinatorB.DeleteJsonAsync($"/api/blocks/{block.BlockId}");
        await using var after = await _a.VisitorAsync("203.0.113.200");
        var allowed = await after.StartAsync();
        AttackTable.Row("Redis mode, two nodes: visitor on node A blocked by an expert on node B, starts again on A and on B",
            "refused (blocked) on both; listed on A; lifted on B; then A lets them start",
            $"A {a.Status}:{a.Reason}, B {b.Status}:{b.Reason}; listed on A: {listedOnA}; lift on B {(int)lift.StatusCode}; after: {allowed.Status}");
        Assert.Equal(("refused", "blocked"), (a.Status, a.Reason));
        Assert.Equal(("refused", "blocked"), (b.Status, b.Reason));
        Assert.Equal(1, listedOnA);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, lift.StatusCode);
        Assert.NotEqual("refused", allowed.Status);
    }

    [Fact]
    public async Task PerAddressLimitsCountBothNodesTogether()
    {
        await using var expert = await _b.ExpertAsync(2, availability: "paused"); // open, takes no chats
        // Connections: 12 on each node from one address; 20 in all may be open.
        var open = new List<ClientWebSocket>();
        var refused = 0;
        foreach (var node in new[] { _a, _b, _a, _b }.SelectMany(n => Enumerable.Repeat(n, 6)))
        {
            try { open.Add(await AttackFixture.SocketAsync(node.BaseUrl, "/hubs/visitor", "203.0.113.210")); }
            catch (WebSocketException) { refused++; }
        }
        foreach (var ws in open) { ws.Abort(); ws.Dispose(); }

        // Chats: three open on node A, the fourth on node B is refused.
        var visitors = new List<Visitor>();
        var answers = new List<string>();
        foreach (var node in new[] { _a, _a, _a, _b })
        {
            var v = await node.VisitorAsync("203.0.113.211");
            visitors.Add(v);
            var r = await v.StartAsync();
            answers.Add(r.Status + (r.Reason is null ? "" : ":" + r.Reason));
        }

        // Messages: one chat resumed on both nodes shares one budget.
        await using var flooderA = await _a.VisitorAsync("203.0.113.212");
        var chat = await flooderA.StartAsync();
        await using var flooderB = await _b.VisitorAsync("203.0.113.212");
        await flooderB.Hub.InvokeAsync<ResumeResult>("Resume", chat.ResumeToken, 0L);
        var stored = 0;
        await Task.WhenAll(new[] { flooderA, flooderB }.Select(async (v, c) =>
        {
            for (var i = 0; i < 25; i++)
            {
                try { await v.SendAsync($"n{c}-{i}", "flood"); Interlocked.Increment(ref stored); }
                catch (HubException) { /* refused: over the chat's budget */ }
            }
        }));
        AttackTable.Row("Redis mode, two nodes: 24 connections, 4 chats and 50 messages in one chat from one address, spread over both nodes",
            "20 connections; 3 chats, the 4th refused (limit); at most 30 messages stored",
            $"{open.Count} connections, {refused} refused; chats {string.Join(", ", answers)}; {stored} messages stored");
        Assert.Equal(20, open.Count);
        Assert.Equal(["queued", "queued", "queued", "refused:limit"], answers);
        Assert.Equal(30, stored);
        foreach (var v in visitors) await v.DisposeAsync();
    }
}

/// <summary>Account changes on one node take effect on the other at once (Redis mode).</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisAccountSecurityTests(RedisServer redis) : TwoNodeSuite(redis)
{
    [Fact]
    public async Task DisablingOnOneNodeClosesTheExpertsConnectionOnTheOther()
    {
        await using var expert = await B.ExpertAsync(2);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        expert.Hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        var onB = await B.ExpertClientAsync(2);
        var boss = await A.CoordinatorClientAsync();
        var id = (await boss.GetFromJsonAsync<JsonElement>("/api/accounts")).EnumerateArray()
            .Single(a => a.GetProperty("userName").GetString() == "expert2").GetProperty("id").GetString();
        (await boss.PutAsJsonAsync($"/api/accounts/{id}", new { disabled = true })).EnsureSuccessStatusCode();
        await closed.Task.WaitAsync(Inbox.Timeout);
        var me = await onB.GetAsync("/api/auth/me");
        var open = (await boss.GetFromJsonAsync<JsonElement>("/api/status")).GetProperty("open").GetBoolean();
        AttackTable.Row("Redis mode: expert on node B disabled by the coordinator on node A", "hub connection on B closed at once; B's API 401; off shift",
            $"hub {expert.Hub.State}; B /api/auth/me {(int)me.StatusCode}; chat open: {open}");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.False(open);
    }
}
