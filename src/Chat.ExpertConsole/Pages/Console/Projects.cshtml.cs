using Microsoft.AspNetCore.Authorization;

namespace Chat.ExpertConsole.Pages.Console;

/// <summary>The administrator's projects: several regional projects on one installation, their partners for overflow.</summary>
[Authorize(Roles = "Administrator")]
public sealed class ProjectsModel : ConsolePage
{
    public void OnGet() { }
}
