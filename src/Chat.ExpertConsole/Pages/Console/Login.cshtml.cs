using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Chat.ExpertConsole.Pages.Console;

public sealed class LoginModel(IConsoleAccounts accounts) : ConsolePage
{
    [BindProperty] public string? UserName { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        if (string.IsNullOrWhiteSpace(UserName) || string.IsNullOrEmpty(Password))
        {
            Error = Texts["Required"];
            return Page();
        }
        var (ok, locked) = await accounts.SignInAsync(UserName, Password);
        if (!ok)
        {
            Error = locked ? Texts["LockedOut"] : Texts["LoginFailed"];
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/console");
    }
}
