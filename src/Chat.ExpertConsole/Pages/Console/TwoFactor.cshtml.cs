using Microsoft.AspNetCore.Authorization;

namespace Chat.ExpertConsole.Pages.Console;

/// <summary>Two-factor sign-in: link an authenticator app, see the recovery codes once, or switch it off with a code.</summary>
[Authorize(Roles = "Expert,Coordinator")]
public sealed class TwoFactorModel : ConsolePage
{
    public void OnGet() { }
}
