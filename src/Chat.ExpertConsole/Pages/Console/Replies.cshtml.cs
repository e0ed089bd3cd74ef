using Microsoft.AspNetCore.Authorization;

namespace Chat.ExpertConsole.Pages.Console;

/// <summary>The coordinator keeps the canned replies and the referral cards.</summary>
[Authorize(Roles = "Coordinator")]
public sealed class RepliesModel : ConsolePage
{
    public void OnGet() { }
}
