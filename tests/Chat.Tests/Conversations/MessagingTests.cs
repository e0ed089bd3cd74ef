using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Conversations;

public sealed class MessagingTests : IAsyncLifetime
{
    private readonly ChatApp _app = new();
    private Expert _expert = null!;
    private Visitor _visitor = null!;
    private StartChatResult _start = null!;
    private string _conversationId = "";

    public async Task InitializeAsync()
    {
        _expert = await _app.ExpertAsync(1);
        _visitor = await _app.VisitorAsync();
        _start = await _visitor.StartAsync(new { about = "victim" });
        _conversationId = (await _expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await _visitor.Inbox.Next("ChatStarted");
    }

    public async Task DisposeAsync()
    {
        await _visitor.DisposeAsync();
        await _expert.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task MessagesGetSequenceNumbersAndReachBothSides()
    {
        var a1 = await _visitor.SendAsync("v-1", "Hallo, ik weet niet goed waar ik moet beginnen.");
        var a2 = await _expert.SendAsync(_conversationId, "e-1", "Fijn dat je er bent. Neem je tijd.");
        Assert.Equal(1, a1.Seq);
        Assert.Equal(2, a2.Seq);

        var atExpert = await _expert.Inbox.Next("MessageReceived");
        Assert.Equal(_conversationId, atExpert.GetProperty("conversationId").GetString());
        Assert.Equal(1, atExpert.GetProperty("seq").GetInt64());
        Assert.Equal("v-1", atExpert.GetProperty("clientMessageId").GetString());
        Assert.Equal("visitor", atExpert.GetProperty("from").GetString());
        Assert.Equal("Hallo, ik weet niet goed waar ik moet beginnen.", atExpert.GetProperty("text").GetString());
        Assert.True(atExpert.TryGetProperty("sentAt", out _));

        var atVisitor = await _visitor.Inbox.Until("MessageReceived", m => m.GetProperty("from").GetString() == "expert");
        Assert.Equal(2, atVisitor.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task AnExpertsEventsReachEveryOneOfTheirConsolesAndNoOtherExpert()
    {
        // The same account in a second tab, and another expert: one expert's events go to that account's connections only.
        await using var secondTab = await _app.ExpertAsync(1, "offline");
        await using var other = await _app.ExpertAsync(2, "offline");
        await _visitor.SendAsync("v-tabs", "Zien jullie dit allebei?");

        foreach (var console in new[] { _expert, secondTab })
            Assert.Equal("v-tabs", (await console.Inbox.Until("MessageReceived", m => m.GetProperty("clientMessageId").GetString() == "v-tabs"))
                .GetProperty("clientMessageId").GetString());
        // The other expert's hub saw events after the message (the visitor's next one goes through the same fan-out), never it.
        await _visitor.SendAsync("v-after", "En nu?");
        await secondTab.Inbox.Until("MessageReceived", m => m.GetProperty("clientMessageId").GetString() == "v-after");
        Assert.Empty(other.Inbox.Drain("MessageReceived"));
    }

    [Fact]
    public async Task SendingTheSameClientMessageIdAgainStoresNothingNew()
    {
        var first = await _visitor.SendAsync("same-id", "Eén keer");
        var again = await _visitor.SendAsync("same-id", "Eén keer");
        Assert.Equal(first.Seq, again.Seq);
        Assert.Equal(first.SentAt, again.SentAt);
        var next = await _visitor.SendAsync("other-id", "Twee");
        Assert.Equal(first.Seq + 1, next.Seq);

        Assert.Equal(1, (await _expert.Inbox.Next("MessageReceived")).GetProperty("seq").GetInt64());
        Assert.Equal(2, (await _expert.Inbox.Next("MessageReceived")).GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task ResumeAfterReconnectReturnsExactlyTheMissedMessages()
    {
        await _visitor.SendAsync("v-1", "een");
        await _visitor.DisposeAsync();
        await _expert.Inbox.Until("VisitorConnectionChanged", e => !e.GetProperty("connected").GetBoolean());
        await _expert.SendAsync(_conversationId, "e-1", "twee");
        await _expert.SendAsync(_conversationId, "e-2", "drie");

        _visitor = await _app.VisitorAsync();
        var resumed = await _visitor.Hub.InvokeAsync<JsonElement>("Resume", _start.ResumeToken, 1);
        Assert.Equal("active", resumed.GetProperty("status").GetString());
        Assert.Equal("Sanne", resumed.GetProperty("expert").GetProperty("displayName").GetString());
        var messages = resumed.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal([2L, 3L], messages.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Equal(["twee", "drie"], messages.Select(m => m.GetProperty("text").GetString()));
        await _expert.Inbox.Until("VisitorConnectionChanged", e => e.GetProperty("connected").GetBoolean());

        // And the resumed connection is live again.
        await _expert.SendAsync(_conversationId, "e-3", "vier");
        var live = await _visitor.Inbox.Next("MessageReceived");
        Assert.Equal(4, live.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task VisitorMayTypeWhileWaitingAndTheExpertSeesItOnAssignment()
    {
        await using var app = new ChatApp();
        await using var expert = await app.ExpertAsync(1, "paused");
        await using var visitor = await app.VisitorAsync();
        await visitor.StartAsync();
        var ack = await visitor.SendAsync("w-1", "Ik wacht even");
        Assert.Equal(1, ack.Seq);
        await expert.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "available");
        var assigned = await expert.Inbox.Next("ChatAssigned");
        var messages = assigned.GetProperty("messages").EnumerateArray().ToList();
        Assert.Single(messages);
        Assert.Equal("Ik wacht even", messages[0].GetProperty("text").GetString());
        var state = await expert.Hub.InvokeAsync<JsonElement>("GetState");
        Assert.Equal("available", state.GetProperty("availability").GetString());
        var conv = state.GetProperty("conversations")[0];
        Assert.Equal(assigned.GetProperty("conversationId").GetString(), conv.GetProperty("conversationId").GetString());
        Assert.Equal(1, conv.GetProperty("messages").GetArrayLength());
        Assert.Equal(0, state.GetProperty("queue").GetProperty("waiting").GetInt32());
    }

    [Fact]
    public async Task TypingIsForwardedBothWays()
    {
        await _visitor.Hub.InvokeAsync("Typing", true);
        var atExpert = await _expert.Inbox.Next("TypingChanged");
        Assert.Equal("visitor", atExpert.GetProperty("from").GetString());
        Assert.True(atExpert.GetProperty("isTyping").GetBoolean());
        await _expert.Hub.InvokeAsync("Typing", _conversationId, true);
        var atVisitor = await _visitor.Inbox.Next("TypingChanged");
        Assert.Equal("expert", atVisitor.GetProperty("from").GetString());
        Assert.Equal(_conversationId, atVisitor.GetProperty("conversationId").GetString());
    }

    [Fact]
    public async Task AfterTheEndNothingMoreIsAcknowledgedAndResumeSaysEnded()
    {
        await _visitor.Hub.InvokeAsync("LeaveChat");
        var ended = await _expert.Inbox.Next("ChatEnded");
        Assert.Equal("visitor", ended.GetProperty("endedBy").GetString());
        var ex = await Assert.ThrowsAsync<HubException>(() => _visitor.SendAsync("late", "te laat"));
        Assert.Contains("beëindigd", ex.Message);
        await Assert.ThrowsAsync<HubException>(() => _expert.SendAsync(_conversationId, "late", "te laat"));
        var resumed = await _visitor.Hub.InvokeAsync<JsonElement>("Resume", _start.ResumeToken, 0);
        Assert.Equal("ended", resumed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task MessageTextIsStoredAsIsAndNeverInterpreted()
    {
        const string html = "<img src=x onerror=alert(1)> & <b>vet</b>";
        await _visitor.SendAsync("x-1", html);
        var m = await _expert.Inbox.Next("MessageReceived");
        Assert.Equal(html, m.GetProperty("text").GetString());
    }
}
