using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chat.ExpertConsole.Pages.Console;

[Authorize(Roles = "Coordinator")]
public sealed class AccountsModel : PageModel
{
    public ConsoleTexts Texts => _texts ??= new ConsoleTexts(HttpContext);
    private ConsoleTexts? _texts;

    public void OnGet() { }
}
