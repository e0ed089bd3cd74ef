using Microsoft.AspNetCore.Authorization;

namespace Chat.ExpertConsole.Pages.Console;

[Authorize(Roles = "Coordinator")]
public sealed class StatisticsModel : ConsolePage
{
    public void OnGet() { }
}
