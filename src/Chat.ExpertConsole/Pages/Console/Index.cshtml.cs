using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Chat.ExpertConsole.Pages.Console;

[Authorize(Roles = "Expert,Coordinator,Administrator")]
public sealed class IndexModel : ConsolePage
{
    /// <summary>An administrator only (no project's expert or coordinator) has no chats: their page is the projects.</summary>
    public IActionResult OnGet() =>
        User.IsInRole("Expert") || User.IsInRole("Coordinator") ? Page() : Redirect("/console/projects");
}
