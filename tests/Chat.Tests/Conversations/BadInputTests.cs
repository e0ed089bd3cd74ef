using System.Net;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Conversations;

public sealed class BadInputTests : IAsyncLifetime
{
    private readonly ChatApp _app = new();
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task EmptyMessagesAreRefused(string text)
    {
        await using var expert = await _app.ExpertAsync(1);
        await using var visitor = await _app.VisitorAsync();
        await visitor.StartAsync();
        var ex = await Assert.ThrowsAsync<HubException>(() => visitor.SendAsync("id", text));
        Assert.Contains("leeg", ex.Message);
        var next = await visitor.SendAsync("ok", "wel iets");
        Assert.Equal(1, next.Seq); // nothing was stored
    }

    [Fact]
    public async Task MessagesOverTwoThousandCharactersAreRefused()
    {
        await using var expert = await _app.ExpertAsync(1);
        await using var visitor = await _app.VisitorAsync();
        await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        var ex = await Assert.ThrowsAsync<HubException>(() => visitor.SendAsync("id", new string('a', 2001)));
        Assert.Contains("2000", ex.Message);
        await Assert.ThrowsAsync<HubException>(() => expert.SendAsync(conversationId, "id", new string('a', 2001)));
        Assert.Equal(1, (await visitor.SendAsync("ok", new string('a', 2000))).Seq);
    }

    [Fact]
    public async Task SendingWithoutAChatIsRefused()
    {
        await using var visitor = await _app.VisitorAsync();
        var ex = await Assert.ThrowsAsync<HubException>(() => visitor.SendAsync("id", "hallo"));
        Assert.Contains("start eerst", ex.Message);
    }

    [Fact]
    public async Task UnknownOrSomeoneElsesConversationIsRefused()
    {
        await using var e1 = await _app.ExpertAsync(1);
        await using var visitor = await _app.VisitorAsync();
        await visitor.StartAsync();
        var conversationId = (await e1.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await using var e2 = await _app.ExpertAsync(2);

        var unknown = await Assert.ThrowsAsync<HubException>(() => e2.SendAsync("does-not-exist", "id", "hoi"));
        Assert.Contains("bestaat niet", unknown.Message);
        await Assert.ThrowsAsync<HubException>(() => e2.SendAsync(conversationId, "id", "hoi"));
        await Assert.ThrowsAsync<HubException>(() => e2.Hub.InvokeAsync("EndChat", conversationId));
        await Assert.ThrowsAsync<HubException>(() => e2.Hub.InvokeAsync("Typing", conversationId, true));
        // The chat is untouched: its own expert still sends as seq 1.
        Assert.Equal(1, (await e1.SendAsync(conversationId, "id", "hoi")).Seq);
    }

    [Theory]
    [InlineData("about", "slachtoffer")]
    [InlineData("preferredExperience", "women")]
    [InlineData("language", "de")]
    [InlineData("referral", "<script>")]
    public async Task UnknownStartChatCodesAreRefusedAndNothingIsQueued(string field, string value)
    {
        await using var expert = await _app.ExpertAsync(1, "paused");
        await using var visitor = await _app.VisitorAsync();
        var request = new Dictionary<string, object?> { [field] = value };
        var ex = await Assert.ThrowsAsync<HubException>(() => visitor.StartAsync(request));
        Assert.Contains(field, ex.Message);
        var status = await _app.Queue.StatusAsync();
        Assert.Equal(0, status.Waiting);
    }

    [Fact]
    public async Task UnknownAvailabilityIsRefused()
    {
        await using var expert = await _app.ExpertAsync(1, "offline");
        var ex = await Assert.ThrowsAsync<HubException>(() => expert.Hub.InvokeAsync<object>("SetAvailability", "busy"));
        Assert.Contains("beschikbaarheid", ex.Message);
        Assert.False((await _app.Queue.StatusAsync()).Open);
    }

    [Fact]
    public async Task ExpertHubRefusesAConnectionWithoutSignIn()
    {
        var hub = _app.Hub("/hubs/expert");
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync());
        Assert.Contains("401", ex.ToString());
        await hub.DisposeAsync();

        var http = await _app.CreateClient().GetAsync("/hubs/expert");
        Assert.Equal(HttpStatusCode.Unauthorized, http.StatusCode);
    }

    [Fact]
    public async Task VisitorCannotCallExpertMethods()
    {
        await using var visitor = await _app.VisitorAsync();
        await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync<object>("SetAvailability", "available"));
        await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync<object>("GetState"));
        await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync("EndChat", "x"));
        Assert.False((await _app.Queue.StatusAsync()).Open);
    }

    [Fact]
    public async Task ResumeWithAnUnknownTokenSaysEndedAndAMissingTokenIsRefused()
    {
        await using var visitor = await _app.VisitorAsync();
        var r = await visitor.Hub.InvokeAsync<System.Text.Json.JsonElement>("Resume", "not-a-real-token", 0);
        Assert.Equal("ended", r.GetProperty("status").GetString());
        await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync<object>("Resume", "", 0));
        await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync<object>("Resume", "x", -1));
    }

    [Fact]
    public async Task StartingASecondChatOnTheSameConnectionIsRefused()
    {
        await using var expert = await _app.ExpertAsync(1, "paused");
        await using var visitor = await _app.VisitorAsync();
        await visitor.StartAsync();
        await Assert.ThrowsAsync<HubException>(() => visitor.StartAsync());
        Assert.Equal(1, (await _app.Queue.StatusAsync()).Waiting);
    }
}
