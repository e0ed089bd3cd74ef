using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chat.ExpertConsole.Pages.Console;

public sealed class LogoutModel(IConsoleAccounts accounts) : PageModel
{
    public IActionResult OnGet() => Redirect("/console");

    public async Task<IActionResult> OnPostAsync()
    {
        await accounts.SignOutAsync();
        return Redirect("/console/login");
    }
}
