using Microsoft.AspNetCore.Authorization;

namespace Chat.ExpertConsole.Pages.Console;

[Authorize(Roles = "Coordinator")]
public sealed class BlocksModel : ConsolePage
{
    public void OnGet() { }
}
