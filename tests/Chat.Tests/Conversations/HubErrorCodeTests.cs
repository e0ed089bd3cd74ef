using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Conversations;

/// <summary>
/// "Try again" travels as a code in a fixed place of the hub error's message ("[try-again] " before the readable text,
/// <see cref="HubErrors"/>), so clients read it without matching Dutch words, and show the text alone.
/// </summary>
public sealed class HubErrorCodeTests
{
    [Fact]
    public async Task ACallOverTheRateLimitIsAnsweredWithTheTryAgainCodeBeforeItsReadableText()
    {
        await using var app = new ChatApp(new() { ["Chat:CallBurst"] = "2", ["Chat:CallsPerSecond"] = "1" });
        await using var visitor = await app.VisitorAsync();
        HubException? refused = null;
        for (var i = 0; i < 20 && refused is null; i++)
        {
            try { await visitor.Hub.InvokeAsync("Typing", false); }
            catch (HubException e) { refused = e; }
        }
        Assert.NotNull(refused);
        Assert.EndsWith("HubException: [try-again] Je stuurt te snel achter elkaar. Wacht even en probeer het opnieuw.", refused.Message);
        Assert.Equal(HubErrors.TryAgain, HubErrors.CodeOf(refused.Message));
    }

    [Theory]
    [InlineData("An unexpected error occurred invoking 'SendMessage' on the server. HubException: [try-again] Tijdelijk niet beschikbaar.", "try-again")]
    [InlineData("An unexpected error occurred invoking 'SendMessage' on the server. HubException: Je stuurt veel berichten. [retry]", "try-again")] // the older form, until every server sends the code
    [InlineData("An unexpected error occurred invoking 'StartChat' on the server. HubException: referral: alleen letters, cijfers en '-'.", null)]
    [InlineData("An unexpected error occurred invoking 'SendMessage' on the server. HubException: Dit gesprek is beëindigd; het bericht is niet verstuurd.", null)]
    [InlineData("Invocation canceled due to the underlying connection being closed.", null)]
    public void TheCodeIsReadFromTheStartOfTheMessageOnly(string message, string? code) =>
        Assert.Equal(code, HubErrors.CodeOf(message));
}
