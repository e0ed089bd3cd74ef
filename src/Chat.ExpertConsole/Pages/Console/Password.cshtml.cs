using Microsoft.AspNetCore.Authorization;

namespace Chat.ExpertConsole.Pages.Console;

/// <summary>Everyone changes their own password here, with the current one (POST /api/auth/password).</summary>
[Authorize(Roles = "Expert,Coordinator")]
public sealed class PasswordModel : ConsolePage
{
    public void OnGet() { }
}
