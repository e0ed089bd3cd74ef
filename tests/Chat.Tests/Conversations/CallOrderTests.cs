using System.Text.Json;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Conversations;

/// <summary>
/// The hubs run several calls of one connection at once (so a visitor's next message need not wait for the
/// previous one's round trip to the store). These tests send without waiting for acknowledgements, as a client
/// with a few messages pending after a reconnect does, and check that nothing is stored out of order and that
/// calls that change the session never overlap. Run on both live stores.
/// </summary>
public abstract class CallOrderTests : IAsyncLifetime
{
    private ChatApp _app = null!;

    protected abstract ChatApp CreateApp();

    public Task InitializeAsync()
    {
        _app = CreateApp();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task MessagesSentWithoutWaitingAreStoredAndDeliveredInTheOrderSent()
    {
        await using var expert = await _app.ExpertAsync(1);
        await using var visitor = await _app.VisitorAsync();
        await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;

        const int n = 25; // within the per-connection burst (Chat:CallBurst, 30)
        var visitorSends = Enumerable.Range(1, n).Select(i => visitor.SendAsync($"v{i}", $"bezoeker {i}")).ToList();
        var expertSends = Enumerable.Range(1, n).Select(i => expert.SendAsync(conversationId, $"e{i}", $"expert {i}")).ToList();
        var visitorSeqs = (await Task.WhenAll(visitorSends)).Select(r => r.Seq).ToList();
        var expertSeqs = (await Task.WhenAll(expertSends)).Select(r => r.Seq).ToList();

        // Each side's messages got increasing sequence numbers in the order that side sent them.
        Assert.Equal(visitorSeqs.Order(), visitorSeqs);
        Assert.Equal(expertSeqs.Order(), expertSeqs);
        Assert.Equal(Enumerable.Range(1, 2 * n).Select(i => (long)i), visitorSeqs.Concat(expertSeqs).Order());

        // The expert got every visitor message once; read by seq they are in the visitor's order.
        var seen = new List<JsonElement>();
        while (seen.Count < n)
            seen.Add(await expert.Inbox.Until("MessageReceived", m => m.GetProperty("from").GetString() == "visitor"));
        Assert.Equal(Enumerable.Range(1, n).Select(i => $"bezoeker {i}"),
            seen.OrderBy(m => m.GetProperty("seq").GetInt64()).Select(m => m.GetProperty("text").GetString()));
        Assert.Equal(visitorSeqs, seen.Select(m => m.GetProperty("seq").GetInt64()).Order());
    }

    [Fact]
    public async Task TwoStartChatCallsAtOnceOpenOneChat()
    {
        await using var expert = await _app.ExpertAsync(1, "paused"); // on duty, so chats open (and wait)
        await using var visitor = await _app.VisitorAsync();
        var first = visitor.Hub.InvokeAsync<JsonElement>("StartChat", new { });
        var second = visitor.Hub.InvokeAsync<JsonElement>("StartChat", new { });
        Assert.Equal("queued", (await first).GetProperty("status").GetString());
        var ex = await Assert.ThrowsAsync<HubException>(() => second);
        Assert.Contains("al een gesprek open", ex.Message);
    }
}

public sealed class EmbeddedCallOrderTests : CallOrderTests
{
    protected override ChatApp CreateApp() => new();
}

[Collection(RedisCollection.Name)]
public sealed class RedisCallOrderTests(RedisServer redis) : CallOrderTests
{
    protected override ChatApp CreateApp() => new(new()
    {
        ["ConnectionStrings:Redis"] = redis.ConnectionString,
        ["Redis:KeyPrefix"] = $"o{Guid.NewGuid():n}:",
    });
}
