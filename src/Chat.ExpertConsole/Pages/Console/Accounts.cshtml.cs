using Microsoft.AspNetCore.Authorization;

namespace Chat.ExpertConsole.Pages.Console;

[Authorize(Roles = "Coordinator,Administrator")]
public sealed class AccountsModel : ConsolePage
{
    public void OnGet() { }
}
