using Microsoft.AspNetCore.Authorization;

namespace Chat.ExpertConsole.Pages.Console;

/// <summary>The roster: coordinators plan shifts, experts read it and see their own next shifts.</summary>
[Authorize(Roles = "Expert,Coordinator")]
public sealed class RosterModel : ConsolePage
{
    public void OnGet() { }
}
