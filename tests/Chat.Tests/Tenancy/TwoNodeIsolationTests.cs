using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Tenancy;

/// <summary>
/// Project isolation across two Redis nodes: what one node publishes for a project reaches only that project's
/// people on the other node. West's expert Noor is on node B; default's visitors and Sanne are on node A.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class TwoNodeIsolationTests(RedisServer redis) : TwoNodeSuite(redis)
{
    private const string Password = SecondProject.Password;

    [Fact]
    public async Task AProjectsQueueDangerAndChatsStayWithItsPeopleWhicheverNodeTheyAreOn()
    {
        await SecondProject.CreateAsync(A, "west", new { slug = "west", name = "Chat West-Brabant" },
            new SecondProject.Account("expertwest", "Noor", MaxChats: 2));
        // Sanne (default) paused on node A: default's visitors wait. Noor (west) free on node B.
        await using var sanne = await A.ExpertAsync(1, "paused");
        var noor = new Expert(B.Hub("/hubs/expert", await B.CookieAsync("expertwest", Password)));
        await using var _ = noor;
        await noor.Hub.StartAsync();
        await noor.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");

        // Two of default's visitors on node A, one of them in danger: Sanne hears both, Noor neither.
        await using var waiting = await A.VisitorAsync();
        Assert.Equal("queued", (await waiting.StartAsync(new { about = "victim" })).Status);
        await using var inDanger = await A.VisitorAsync();
        Assert.Equal("queued", (await inDanger.StartAsync(new { inDanger = true })).Status);
        await sanne.Inbox.Until("QueueChanged", q => q.GetProperty("waiting").GetInt32() == 2 && q.GetProperty("danger").GetInt32() == 1);
        Assert.Null(await noor.Hub.InvokeAsync<ChatAssigned?>("TakeUrgent"));
        var status = await noor.Hub.InvokeAsync<JsonElement>("GetQueueStatus");
        Assert.Equal(0, status.GetProperty("waiting").GetInt32());

        // West's visitor on node A goes to Noor on node B; had routing leaked, default's visitors (waiting longer) would
        // have reached her first.
        await using var west = await A.VisitorAsync();
        Assert.Equal("active", (await west.StartAsync(new { project = "west" })).Status);
        var assigned = await noor.Inbox.Next("ChatAssigned");
        var westChat = assigned.GetProperty("conversationId").GetString()!;
        Assert.Equal(westChat, (await west.Inbox.Next("ChatStarted")).GetProperty("conversationId").GetString());
        foreach (var q in noor.Inbox.Drain("QueueChanged"))
        {
            Assert.Equal(0, q.GetProperty("waiting").GetInt32());
            Assert.Equal(0, q.GetProperty("danger").GetInt32());
        }

        // The west chat's words reach Noor only; Sanne, on the node where the visitor is, never sees them nor may touch it.
        await west.SendAsync("w1", "Alleen voor west.");
        Assert.Equal("Alleen voor west.", (await noor.Inbox.Next("MessageReceived")).GetProperty("text").GetString());
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => sanne.SendAsync(westChat, "s1", "mag niet"));
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => sanne.Hub.InvokeAsync("EndChat", westChat));
        Assert.Empty(sanne.Inbox.Drain("MessageReceived"));
        Assert.Empty(sanne.Inbox.Drain("ChatAssigned"));

        // Sanne takes default's visitor in danger; Noor still hears nothing of default's queue.
        var taken = await sanne.Hub.InvokeAsync<ChatAssigned?>("TakeUrgent");
        Assert.NotNull(taken);
        using var noorHttp = await B.SignedInClientAsync("expertwest", Password);
        var statusWest = await noorHttp.GetFromJsonAsync<JsonElement>("/api/status?project=west");
        Assert.True(statusWest.GetProperty("open").GetBoolean());
        Assert.Empty(noor.Inbox.Drain("ChatAssigned"));
    }
}
