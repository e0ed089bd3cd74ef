using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Chat.ExpertConsole.Pages.Console;

public sealed class LoginModel(IConsoleAccounts accounts) : ConsolePage
{
    [BindProperty] public string? UserName { get; set; }
    [BindProperty] public string? Password { get; set; }
    [BindProperty] public string? Code { get; set; }
    /// <summary>The password was right and the account has two-factor on: the page asks for the code.</summary>
    public bool NeedsCode { get; private set; }
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    public string? Error { get; private set; }

    /// <summary>Signed in already: to the console (another person signs in after Uitloggen, which ends this session).</summary>
    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated == true && !NeedsCode ? LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/console") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        // The second step sends the code only: the server remembers whose password was right (never the page).
        var secondStep = !string.IsNullOrWhiteSpace(Code) && string.IsNullOrEmpty(Password);
        if (!secondStep && (string.IsNullOrWhiteSpace(UserName) || string.IsNullOrEmpty(Password)))
        {
            Error = Texts["Required"];
            return Page();
        }
        var result = secondStep ? await accounts.CompleteWithCodeAsync(Code!) : await accounts.SignInAsync(UserName!, Password!, Code);
        if (result.Outcome == ConsoleSignIn.CodesLocked)
        {
            // The code step stays (the password was right); no code is checked until the lock ends.
            var seconds = (long)Math.Ceiling(result.RetryAfter!.Value.TotalSeconds);
            NeedsCode = true;
            Error = string.Format(System.Globalization.CultureInfo.InvariantCulture, Texts["CodesLocked"], Math.Max(1, (seconds + 59) / 60));
            Password = null;
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
        if (result.Outcome != ConsoleSignIn.Succeeded)
        {
            NeedsCode = result.Outcome == ConsoleSignIn.TwoFactorRequired;
            Error = NeedsCode ? (string.IsNullOrWhiteSpace(Code) ? null : Texts["CodeWrong"]) : Texts["LoginFailed"];
            Password = null;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/console");
    }
}
