using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Scaleout;

/// <summary>
/// Two server nodes (two apps) sharing one real redis-server and one records database, as in production behind a
/// load balancer without sticky sessions: a visitor on one node, an expert on the other.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class TwoNodeTests(RedisServer redis) : TwoNodeSuite(redis)
{
    [Fact]
    public async Task VisitorOnOneNodeChatsWithAnExpertOnTheOther()
    {
        await using var expert = await B.ExpertAsync(1);
        var status = await A.CreateClient().GetFromJsonAsync<JsonElement>("/api/status");
        Assert.True(status.GetProperty("open").GetBoolean()); // node A sees the expert on node B

        await using var visitor = await A.VisitorAsync();
        var start = await visitor.StartAsync(new { about = "victim" });
        Assert.Equal("active", start.Status);
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        Assert.Equal(conversationId, (await visitor.Inbox.Next("ChatStarted")).GetProperty("conversationId").GetString());

        Assert.Equal(1, (await visitor.SendAsync("v1", "hallo vanaf node A")).Seq);
        Assert.Equal("hallo vanaf node A", (await expert.Inbox.Next("MessageReceived")).GetProperty("text").GetString());
        Assert.Equal(2, (await expert.SendAsync(conversationId, "e1", "antwoord vanaf node B")).Seq);
        var reply = await visitor.Inbox.Until("MessageReceived", m => m.GetProperty("from").GetString() == "expert");
        Assert.Equal(2, reply.GetProperty("seq").GetInt64());

        await expert.Hub.InvokeAsync("EndChat", conversationId);
        Assert.Equal("expert", (await visitor.Inbox.Next("ChatEnded")).GetProperty("endedBy").GetString());
    }

    [Fact]
    public async Task TakeUrgentFromTwoNodesAtOnceGivesTheVisitorInDangerToExactlyOneExpert()
    {
        await using var onA = await A.ExpertAsync(1, "paused");
        await using var onB = await B.ExpertAsync(2, "paused");
        await using var visitor = await A.VisitorAsync();
        await visitor.StartAsync(new { inDanger = true });
        // Both consoles hear it, whichever node they are on.
        await onA.Inbox.Until("QueueChanged", q => q.GetProperty("danger").GetInt32() == 1);
        await onB.Inbox.Until("QueueChanged", q => q.GetProperty("danger").GetInt32() == 1);

        var taken = await Task.WhenAll(onA.Hub.InvokeAsync<ChatAssigned?>("TakeUrgent"), onB.Hub.InvokeAsync<ChatAssigned?>("TakeUrgent"));
        var winner = Assert.Single(taken, t => t is not null)!;
        Assert.Equal("answer", winner.Visitor.Urgent!.Reason);
        Assert.Equal(winner.ConversationId, (await visitor.Inbox.Next("ChatStarted")).GetProperty("conversationId").GetString());
        var winnerConsole = taken[0] is not null ? onA : onB;
        Assert.Equal(winner.ConversationId, (await winnerConsole.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString());
        await onA.Inbox.Until("QueueChanged", q => q.GetProperty("danger").GetInt32() == 0 && q.GetProperty("waiting").GetInt32() == 0);
        await onB.Inbox.Until("QueueChanged", q => q.GetProperty("danger").GetInt32() == 0 && q.GetProperty("waiting").GetInt32() == 0);
    }

    [Fact]
    public async Task VisitorWhoReconnectsToTheOtherNodeResumesWithNothingLostOrTwice()
    {
        await using var expert = await B.ExpertAsync(1);
        var visitor = await A.VisitorAsync();
        var start = await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await visitor.SendAsync("v1", "een");
        await visitor.DisposeAsync(); // node A's connection is gone
        await expert.Inbox.Until("VisitorConnectionChanged", e => !e.GetProperty("connected").GetBoolean());
        await expert.SendAsync(conversationId, "e1", "twee");
        await expert.SendAsync(conversationId, "e2", "drie");

        await using var again = await B.VisitorAsync(); // the load balancer sends the reconnect to node B
        var resumed = await again.Hub.InvokeAsync<JsonElement>("Resume", start.ResumeToken, 1);
        Assert.Equal("active", resumed.GetProperty("status").GetString());
        Assert.Equal([2L, 3L], resumed.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()));
        // The resend of an unacknowledged message with the same id is stored once.
        Assert.Equal(1, (await again.SendAsync("v1", "een")).Seq);
        Assert.Equal(4, (await again.SendAsync("v2", "vier")).Seq);
        var atExpert = await expert.Inbox.Until("MessageReceived", m => m.GetProperty("from").GetString() == "visitor" && m.GetProperty("seq").GetInt64() == 4);
        Assert.Equal("vier", atExpert.GetProperty("text").GetString());
    }

    [Fact]
    public async Task WhenRedisComesBackEveryClientIsToldToReloadAndDeliveryAcrossNodesWorksAgain()
    {
        await using var expert = await B.ExpertAsync(1);
        await using var visitor = await A.VisitorAsync();
        await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;

        // While Redis is gone, events between the nodes are lost; once each node is subscribed again, its clients
        // are told to reload what they show from the store (the console calls GetState, the widget Resume).
        await Redis.KillAsync();
        await Redis.StartAsync();
        Assert.Equal("events-missed", (await visitor.Inbox.Next("Resync")).GetProperty("reason").GetString());
        await expert.Inbox.Next("Resync");

        long? seq = null;
        for (var attempt = 0; attempt < 40 && seq is null; attempt++)
        {
            try { seq = (await visitor.SendAsync("after", "weer verbonden")).Seq; }
            catch (Microsoft.AspNetCore.SignalR.HubException e) when (Chat.Server.Conversations.HubErrors.IsTryAgain(e.Message)) { await Task.Delay(250); } // as the widget retries
        }
        var atExpert = await expert.Inbox.Until("MessageReceived", m => m.GetProperty("clientMessageId").GetString() == "after");
        Assert.Equal(seq, atExpert.GetProperty("seq").GetInt64());
        var state = await expert.Hub.InvokeAsync<JsonElement>("GetState");
        Assert.Contains(state.GetProperty("conversations").EnumerateArray(), c => c.GetProperty("conversationId").GetString() == conversationId);
    }

    [Fact]
    public async Task ACookieFromOneNodeIsValidOnTheOther()
    {
        var cookie = await A.CookieAsync("expert2", "Demo-Expert-2");
        var hub = B.Hub("/hubs/expert", cookie);
        await hub.StartAsync();
        var state = await hub.InvokeAsync<JsonElement>("GetState");
        Assert.Equal("offline", state.GetProperty("availability").GetString());
        await hub.DisposeAsync();
    }

    [Fact]
    public async Task ManyVisitorsOnBothNodesAreAssignedOnceLongestWaitingFirst()
    {
        await using var e1 = await A.ExpertAsync(1, "paused");
        await using var e2 = await B.ExpertAsync(2, "paused");
        var visitors = new List<(Visitor V, StartChatResult R)>();
        for (var i = 0; i < 10; i++)
        {
            var v = await (i % 2 == 0 ? A : B).VisitorAsync();
            visitors.Add((v, await v.StartAsync()));
        }
        // Both experts become available at the same moment, on different nodes.
        await Task.WhenAll(
            e1.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available"),
            e2.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available"));
        var a1 = await e1.Inbox.Next("ChatAssigned");
        var a2 = await e2.Inbox.Next("ChatAssigned");
        Assert.NotEqual(a1.GetProperty("conversationId").GetString(), a2.GetProperty("conversationId").GetString());
        // The two who waited longest got them.
        for (var i = 0; i < 2; i++) await visitors[i].V.Inbox.Next("ChatStarted");
        var status = await A.CreateClient().GetFromJsonAsync<JsonElement>("/api/status");
        Assert.Equal(8, status.GetProperty("waiting").GetInt32());
        foreach (var (v, _) in visitors) await v.DisposeAsync();
    }
}
