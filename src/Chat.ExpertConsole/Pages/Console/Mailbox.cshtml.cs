using Microsoft.AspNetCore.Authorization;

namespace Chat.ExpertConsole.Pages.Console;

/// <summary>The anonymous mailbox (brievenbus): letters waiting for an answer, in danger first, then the oldest.</summary>
[Authorize(Roles = "Expert,Coordinator")]
public sealed class MailboxModel : ConsolePage
{
    public void OnGet() { }
}
