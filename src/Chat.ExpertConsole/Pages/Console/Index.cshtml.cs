using Microsoft.AspNetCore.Authorization;

namespace Chat.ExpertConsole.Pages.Console;

[Authorize(Roles = "Expert,Coordinator")]
public sealed class IndexModel : ConsolePage
{
    public void OnGet() { }
}
