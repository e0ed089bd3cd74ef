using System.Net;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Scaleout;

[Collection(RedisCollection.Name)]
public sealed class RedisOutageTests(RedisServer redis)
{
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
