using System.Text.Json;
using Chat.Server.Storage;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Chat.Tests.Conversations;

/// <summary>
/// SendReferral: the card goes out as a message with its text form, is stored with it (Resume, GetState, a transfer),
/// is refused for an unknown card or someone else's chat, and pre-fills the contact form; in both modes.
/// </summary>
public abstract class ReferralTests : IAsyncLifetime
{
    private ChatApp _app = null!;

    protected abstract Dictionary<string, string?> Mode();

    public Task InitializeAsync()
    {
        var settings = Mode();
        settings["Chat:CoolDown"] = "00:00:00";
        _app = new ChatApp(settings);
        _ = _app.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<long> ReferralIdAsync(string kind)
    {
        using var scope = _app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RecordsDbContext>().Referrals.Where(r => r.Kind == kind).Select(r => r.Id).SingleAsync();
    }

    private async Task<(Visitor Visitor, string ResumeToken, string ConversationId)> ChatWithAsync(Expert expert)
    {
        var visitor = await _app.VisitorAsync();
        var started = await visitor.StartAsync();
        await visitor.Inbox.Next("ChatStarted");
        var assigned = await expert.Inbox.Next("ChatAssigned");
        return (visitor, started.ResumeToken!, assigned.GetProperty("conversationId").GetString()!);
    }

    private static void AssertVeiligThuisCard(JsonElement message)
    {
        Assert.Equal("expert", message.GetProperty("from").GetString());
        var card = message.GetProperty("card");
        Assert.Equal("Veilig Thuis", card.GetProperty("name").GetString());
        Assert.Equal("veilig-thuis", card.GetProperty("kind").GetString());
        Assert.Equal("0800-2000", card.GetProperty("phone").GetString());
        Assert.Equal("https://veiligthuis.nl", card.GetProperty("url").GetString());
        Assert.Equal("24/7", card.GetProperty("hours").GetString());
        var text = message.GetProperty("text").GetString()!;
        Assert.Contains("Veilig Thuis", text);
        Assert.Contains("0800-2000", text);
        Assert.Contains("https://veiligthuis.nl", text);
    }

    [Fact]
    public async Task AReferralCardReachesTheVisitorAndComesBackOnResumeGetStateAndAfterATransfer()
    {
        await using var sanne = await _app.ExpertAsync(1);
        var (visitor, token, conversationId) = await ChatWithAsync(sanne);
        await using var _ = visitor;
        await visitor.SendAsync("v1", "Ik weet niet waar ik heen moet.");

        var sent = await sanne.Hub.InvokeAsync<JsonElement>("SendReferral", conversationId, "r1", await ReferralIdAsync("veilig-thuis"));
        var seq = sent.GetProperty("seq").GetInt64();
        Assert.Equal(2, seq);
        AssertVeiligThuisCard(await visitor.Inbox.Until("MessageReceived", m => m.GetProperty("seq").GetInt64() == seq));
        AssertVeiligThuisCard(await sanne.Inbox.Until("MessageReceived", m => m.GetProperty("seq").GetInt64() == seq));
        // The same client id again: the same seq, nothing new.
        var again = await sanne.Hub.InvokeAsync<JsonElement>("SendReferral", conversationId, "r1", await ReferralIdAsync("veilig-thuis"));
        Assert.Equal(seq, again.GetProperty("seq").GetInt64());

        var resumed = await visitor.Hub.InvokeAsync<JsonElement>("Resume", token, 0);
        var messages = resumed.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal(JsonValueKind.Null, messages[0].GetProperty("card").ValueKind);
        AssertVeiligThuisCard(messages[1]);

        var state = await sanne.Hub.InvokeAsync<JsonElement>("GetState");
        AssertVeiligThuisCard(state.GetProperty("conversations")[0].GetProperty("messages")[1]);

        await using var ruben = await _app.ExpertAsync(2);
        await sanne.Hub.InvokeAsync("TransferChat", conversationId);
        var assigned = await ruben.Inbox.Next("ChatAssigned");
        AssertVeiligThuisCard(assigned.GetProperty("messages")[1]);
    }

    [Fact]
    public async Task AnUnknownCardOrSomeoneElsesChatIsRefusedAndNothingIsSent()
    {
        await using var sanne = await _app.ExpertAsync(1);
        var (visitor, _, conversationId) = await ChatWithAsync(sanne);
        await using var v = visitor;
        await using var ruben = await _app.ExpertAsync(2);

        var unknown = await Assert.ThrowsAsync<HubException>(() => sanne.Hub.InvokeAsync<JsonElement>("SendReferral", conversationId, "r1", 987654L));
        Assert.Contains("verwijzing bestaat niet", unknown.Message);
        var notYours = await Assert.ThrowsAsync<HubException>(() =>
            ruben.Hub.InvokeAsync<JsonElement>("SendReferral", conversationId, "r2", ReferralIdAsync("veilig-thuis").Result));
        Assert.Contains("niet aan jou toegewezen", notYours.Message);
        await Assert.ThrowsAsync<HubException>(() =>
            ruben.Hub.InvokeAsync<JsonElement>("SendReferral", "no-such-chat", "r3", ReferralIdAsync("veilig-thuis").Result));

        // Nothing was stored: the next message is the first.
        var first = await visitor.SendAsync("v1", "Hallo?");
        Assert.Equal(1, first.Seq);
        Assert.DoesNotContain(visitor.Inbox.Drain("MessageReceived"), m => m.GetProperty("from").GetString() == "expert");
    }

    [Fact]
    public async Task TheContactFormIsPreFilledWithTheAdviceAndEachReferredKind()
    {
        await using var sanne = await _app.ExpertAsync(1);
        var (visitor, _, conversationId) = await ChatWithAsync(sanne);
        await using var v = visitor;
        await sanne.Hub.InvokeAsync<JsonElement>("SendReferral", conversationId, "r1", await ReferralIdAsync("victim-support"));
        await sanne.Hub.InvokeAsync<JsonElement>("SendReferral", conversationId, "r2", await ReferralIdAsync("veilig-thuis"));
        await sanne.Hub.InvokeAsync<JsonElement>("SendReferral", conversationId, "r3", await ReferralIdAsync("veilig-thuis"));
        await sanne.Hub.InvokeAsync("EndChat", conversationId);

        var form = (await sanne.Inbox.Next("ChatEnded")).GetProperty("form");
        Assert.Equal(["advice-professional-help"], form.GetProperty("support").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["veilig-thuis", "victim-support"], form.GetProperty("professionalHelp").EnumerateArray().Select(e => e.GetString()));

        var pending = (await sanne.Hub.InvokeAsync<JsonElement>("GetState")).GetProperty("pendingForms");
        var draft = pending.EnumerateArray().Single(f => f.GetProperty("conversationId").GetString() == conversationId);
        Assert.Equal(["advice-professional-help"], draft.GetProperty("support").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["veilig-thuis", "victim-support"], draft.GetProperty("professionalHelp").EnumerateArray().Select(e => e.GetString()));

        // A chat without a card: nothing pre-checked.
        var (other, _, second) = await ChatWithAsync(sanne);
        await using var o = other;
        await sanne.Hub.InvokeAsync("EndChat", second);
        var plain = (await sanne.Inbox.Next("ChatEnded")).GetProperty("form");
        Assert.Equal(0, plain.GetProperty("support").GetArrayLength());
        Assert.Equal(0, plain.GetProperty("professionalHelp").GetArrayLength());
    }
}

public sealed class EmbeddedReferralTests : ReferralTests
{
    protected override Dictionary<string, string?> Mode() => new();
}

[Collection(RedisCollection.Name)]
public sealed class RedisReferralTests(RedisServer redis) : ReferralTests
{
    protected override Dictionary<string, string?> Mode() => new()
    {
        ["ConnectionStrings:Redis"] = redis.ConnectionString,
        ["Redis:KeyPrefix"] = $"r{Guid.NewGuid():n}:",
    };
}
