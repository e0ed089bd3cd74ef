using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Mailbox;

/// <summary>
/// Redis mode, two nodes sharing one redis-server and one records database: a thread written on one node is read on
/// the other (the code key is in the records, the Data Protection keys in Redis), and the per-address limits count
/// the calls of both nodes together. (TestServer has no socket address: every call here is the same address.)
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisMailboxTests(RedisServer redis) : TwoNodeSuite(redis)
{
    [Fact]
    public async Task ALetterLeftOnOneNodeIsReadAnsweredAndDeletedOnTheOther()
    {
        var onA = new MailboxVisitor(A.CreateClient());
        var onB = new MailboxVisitor(B.CreateClient());
        var code = await onA.LeaveCodeAsync("Geschreven op knooppunt A.");
        var opened = await (await onB.OpenAsync(code)).Json();
        Assert.Equal("Geschreven op knooppunt A.", opened.GetProperty("messages")[0].GetProperty("text").GetString());

        var expert = await B.ExpertClientAsync(1);
        var id = (await expert.GetFromJsonAsync<JsonElement>("/api/mailbox/threads"))[0].GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await expert.PostAsJsonAsync($"/api/mailbox/threads/{id}/answer", new { text = "Antwoord van B." })).StatusCode);
        Assert.Equal("answered", (await (await onA.OpenAsync(code)).Json()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await onB.DeleteAsync(code)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await onA.OpenAsync(code)).StatusCode);
    }

    [Fact]
    public async Task CodeChecksAndLettersOfOneAddressAreCountedOverBothNodes()
    {
        var onA = new MailboxVisitor(A.CreateClient());
        var onB = new MailboxVisitor(B.CreateClient());
        Assert.Equal(HttpStatusCode.Created, (await onA.LeaveAsync("Eén")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await onB.LeaveAsync("Twee")).StatusCode);
        var code = await onA.LeaveCodeAsync("Drie");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await onB.LeaveAsync("Vier")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await onA.LeaveAsync("Vier")).StatusCode);

        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.NotFound, (await onA.OpenAsync(MailboxJson.WrongCode())).StatusCode);
        for (var i = 0; i < 9; i++) Assert.Equal(HttpStatusCode.NotFound, (await onB.OpenAsync(MailboxJson.WrongCode())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await onB.OpenAsync(code)).StatusCode); // the 20th check
        Assert.Equal(HttpStatusCode.TooManyRequests, (await onA.OpenAsync(code)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await onB.OpenAsync(code)).StatusCode);
    }
}
