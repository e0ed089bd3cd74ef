using System.Net;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Scaleout;

[Collection(RedisCollection.Name)]
public sealed class RedisOutageTests(RedisServer redis)
{
    [Fact]
    public async Task EventsANodeHadToDropMakeTheOtherNodesClientsReadTheStateAgain()
    {
        // Node A keeps one event at most: what comes while its publish is on the way pushes the oldest out.
        await using var nodes = new TwoNodes(redis, new() { ["Redis:MaxOutbox"] = "1" });
        await using var expert = await nodes.B.ExpertAsync(1); // its console is on the other node
        var fanout = nodes.A.Services.GetRequiredService<Chat.Server.Scaleout.RedisFanout>();
        var sends = Enumerable.Range(0, 50).Select(i =>
            fanout.SendAsync(new HubEvent([new Target(Audience.Expert, "nobody-" + i)], "QueueChanged", new QueueChanged(i, 0)))).ToList();
        await Task.WhenAll(sends);
        var resync = await expert.Inbox.Until("Resync", r => r.GetProperty("reason").GetString() == "events-missed");
        Assert.Equal("events-missed", resync.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task WhileRedisIsDownSendsFailVisiblyAndTheSameIdIsStoredOnceWhenItIsBack()
    {
        await using var app = new ChatApp(new()
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString + ",syncTimeout=2000,connectTimeout=2000",
            ["Redis:KeyPrefix"] = $"o{Guid.NewGuid():n}:",
        });
        await using var expert = await app.ExpertAsync(1);
        await using var visitor = await app.VisitorAsync();
        await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        Assert.Equal(1, (await visitor.SendAsync("m1", "voor de storing")).Seq);

        var back = new TaskCompletionSource();
        app.Services.GetRequiredService<Chat.Server.Scaleout.RedisConnection>().Restored += () => back.TrySetResult();
        await redis.KillAsync();
        var ex = await Assert.ThrowsAsync<HubException>(() => visitor.SendAsync("m2", "tijdens de storing"));
        // No false acknowledgement: the client keeps it and retries.
        Assert.EndsWith("HubException: " + HubErrors.Format(HubErrors.TryAgain, Transient.Text), ex.Message);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.CreateClient().GetAsync("/api/status")).StatusCode);

        await redis.StartAsync();
        await back.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // As the widget does: a "try again" answer keeps the message pending and it goes again, same id, after a pause.
        // (The first commands right after the reconnect can still fail for a moment.)
        long? seq = null;
        for (var attempt = 0; attempt < 40 && seq is null; attempt++)
        {
            try { seq = (await visitor.SendAsync("m2", "tijdens de storing")).Seq; }
            catch (HubException e) when (HubErrors.IsTryAgain(e.Message)) { await Task.Delay(TimeSpan.FromMilliseconds(250)); }
        }
        Assert.Equal(2, seq);
        Assert.Equal(2, (await visitor.SendAsync("m2", "tijdens de storing")).Seq);
        var texts = new List<string?>();
        while (texts.Count < 2)
            texts.Add((await expert.Inbox.Until("MessageReceived", m => m.GetProperty("from").GetString() == "visitor")).GetProperty("text").GetString());
        Assert.Equal(["voor de storing", "tijdens de storing"], texts);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/api/status")).StatusCode);
    }
}
