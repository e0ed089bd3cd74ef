using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Mailbox;

/// <summary>
/// Follow-up codes by chat (the part built so far): after a chat with an expert the visitor asks for a code once; the
/// expert hears FollowUpCodeIssued and may keep a note; the code opens an empty waiting thread the visitor can write into.
/// </summary>
public sealed class MailboxFollowUpTests
{
    [Fact]
    public async Task AFollowUpByCodeWaitsForTheSameExpertWhoSeesTheirOwnNoteThenAnyoneAfterTheFallback()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var app = new ChatApp(MailboxVisitor.Settings(new() { ["Chat:CoolDown"] = "00:00:00" })) { Clock = clock };
        await using var sanne = await app.ExpertAsync(1);
        var issuedInbox = new Inbox(sanne.Hub, "FollowUpCodeIssued");
        await using var visitor = await app.VisitorAsync();
        await visitor.StartAsync();
        var first = (await sanne.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await sanne.Hub.InvokeAsync("EndChat", first);
        await visitor.Inbox.Next("ChatEnded");
        var code = (await visitor.Hub.InvokeAsync<FollowUpCode>("RequestFollowUpCode")).Code;
        var threadId = (await issuedInbox.Next("FollowUpCodeIssued")).GetProperty("threadId").GetString()!;
        var sanneApi = await app.ExpertClientAsync(1);
        Assert.Equal(HttpStatusCode.NoContent, (await sanneApi.PostAsJsonAsync($"/api/mailbox/threads/{threadId}/note", new { text = "Twee kinderen; wil nog niet weg." })).StatusCode);

        // Sanne is busy with someone else; Ruben is free. The follow-up waits for Sanne, not for Ruben.
        await using var other = await app.VisitorAsync();
        await other.StartAsync();
        var busy = (await sanne.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await using var ruben = await app.ExpertAsync(2);
        await using var back = await app.VisitorAsync();
        var start = await back.StartAsync(new { code });
        Assert.Equal("queued", start.Status);
        var status = await ruben.Hub.InvokeAsync<QueueStatus>("GetQueueStatus");
        Assert.Equal("preference", status.NotYours);
        await sanne.Hub.InvokeAsync("EndChat", busy);
        var assigned = await sanne.Inbox.Until("ChatAssigned", a => a.GetProperty("visitor").GetProperty("followUp").ValueKind == JsonValueKind.True);
        Assert.Equal("Twee kinderen; wil nog niet weg.", assigned.GetProperty("visitor").GetProperty("followUpNote").GetString());
        var followUpChat = assigned.GetProperty("conversationId").GetString()!;
        await sanne.Hub.InvokeAsync("EndChat", followUpChat);

        // Sanne on shift but paused: the follow-up waits for her until Chat:PreferenceFallback (3 minutes), then anyone free
        // takes it, and Ruben sees no note of hers.
        await sanne.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", "paused");
        await using var backAgain = await app.VisitorAsync();
        Assert.Equal("queued", (await backAgain.StartAsync(new { code })).Status);
        clock.Advance(TimeSpan.FromMinutes(3));
        await app.Sweeper.SweepAsync();
        var toRuben = await ruben.Inbox.Next("ChatAssigned");
        Assert.True(toRuben.GetProperty("visitor").GetProperty("followUp").GetBoolean());
        Assert.Equal(JsonValueKind.Null, toRuben.GetProperty("visitor").GetProperty("followUpNote").ValueKind);
    }

    [Fact]
    public async Task AfterAChatTheVisitorGetsOneCodeTheExpertHearsOfItAndKeepsANote()
    {
        await using var app = new ChatApp(MailboxVisitor.Settings());
        await using var expert = await app.ExpertAsync(1);
        var followUps = new Inbox(expert.Hub, "FollowUpCodeIssued");
        await using var visitor = await app.VisitorAsync();
        var early = await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync<FollowUpCode>("RequestFollowUpCode"));
        Assert.Contains("na een gesprek", early.Message);
        await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await expert.Hub.InvokeAsync("EndChat", conversationId);
        await visitor.Inbox.Next("ChatEnded");
        await expert.Inbox.Next("ChatEnded");

        var code = (await visitor.Hub.InvokeAsync<FollowUpCode>("RequestFollowUpCode")).Code;
        Assert.Matches("^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$", code);
        var issued = await followUps.Next("FollowUpCodeIssued");
        Assert.Equal(conversationId, issued.GetProperty("conversationId").GetString());
        var threadId = issued.GetProperty("threadId").GetString()!;
        var again = await Assert.ThrowsAsync<HubException>(() => visitor.Hub.InvokeAsync<FollowUpCode>("RequestFollowUpCode"));
        Assert.Contains("al een code", again.Message);

        var sanne = await app.ExpertClientAsync(1);
        Assert.Empty((await sanne.GetFromJsonAsync<JsonElement>("/api/mailbox/threads")).EnumerateArray()); // no letter yet
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ExpertClientAsync(2)).PostAsJsonAsync($"/api/mailbox/threads/{threadId}/note", new { text = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await sanne.PostAsJsonAsync($"/api/mailbox/threads/{threadId}/note", new { text = "Wil nog niet weg; twee kinderen." })).StatusCode);

        var mailbox = new MailboxVisitor(app.CreateClient(), "192.0.2.90");
        var opened = await (await mailbox.OpenAsync(code)).Json();
        Assert.Equal("waiting", opened.GetProperty("status").GetString());
        Assert.Empty(opened.GetProperty("messages").EnumerateArray());
        Assert.DoesNotContain("twee kinderen", opened.GetRawText());
        Assert.Equal(HttpStatusCode.OK, (await mailbox.WriteAsync(code, "Ik wil graag verder praten.")).StatusCode);
        var waiting = Assert.Single((await sanne.GetFromJsonAsync<JsonElement>("/api/mailbox/threads")).EnumerateArray());
        Assert.Equal("Wil nog niet weg; twee kinderen.", waiting.GetProperty("note").GetString());

        // Coming back by chat with the code: a follow-up conversation ("vervolggesprek" on the form). A wrong code is no code.
        await using var back = await app.VisitorAsync();
        await back.StartAsync(new { code = code.ToLowerInvariant() });
        var again2 = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await expert.Hub.InvokeAsync("EndChat", again2);
        Assert.Equal("follow-up", (await expert.Inbox.Next("ChatEnded")).GetProperty("form").GetProperty("conversation").GetString());
        await using var stranger = await app.VisitorAsync();
        await stranger.StartAsync(new { code = MailboxJson.WrongCode() });
        var third = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        await expert.Hub.InvokeAsync("EndChat", third);
        // (the visitor said nothing about earlier contact: the form asks the expert, no "onbekend" filled in)
        Assert.Equal(JsonValueKind.Null, (await expert.Inbox.Next("ChatEnded")).GetProperty("form").GetProperty("conversation").ValueKind);
    }
}
