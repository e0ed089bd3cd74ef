using Microsoft.AspNetCore.Http;

namespace Chat.ExpertConsole;

/// <summary>Texts of the console's server-rendered pages, Dutch by default. The live workspace's texts are in wwwroot/i18n.js.</summary>
public sealed class ConsoleTexts
{
    public const string LanguageCookie = "console.lang";

    private static readonly Dictionary<string, Dictionary<string, string>> All = new()
    {
        ["nl"] = new()
        {
            ["Title"] = "Console ervaringsdeskundigen",
            ["LoginTitle"] = "Inloggen",
            ["LoginIntro"] = "Log in om je dienst te beginnen.",
            ["UserName"] = "Gebruikersnaam",
            ["Password"] = "Wachtwoord",
            ["SignIn"] = "Inloggen",
            ["LoginFailed"] = "Gebruikersnaam of wachtwoord klopt niet.",
            ["CodeWrong"] = "Deze code klopt niet (of is al gebruikt). Probeer de nieuwste code uit je app.",
            ["CodesLocked"] = "Te veel foute codes: voor dit account kan een kwartier geen code worden ingevuld. Probeer het over {0} min. opnieuw.",
            ["Required"] = "Vul je gebruikersnaam en wachtwoord in.",
            ["OtherLanguage"] = "English",
            ["OtherLanguageCode"] = "en",
            ["NoScript"] = "Deze console heeft JavaScript nodig.",
            ["SignOut"] = "Uitloggen",
            ["BlocksTitle"] = "Blokkades",
            ["ProjectsTitle"] = "Projecten",
            ["TriageTitle"] = "Signaalwoorden",
            ["RepliesTitle"] = "Antwoorden en verwijzingen",
            ["MailboxTitle"] = "Brievenbus",
            ["RosterTitle"] = "Rooster",
            ["TwoFactorTitle"] = "Tweestapsverificatie",
            ["Code"] = "Code uit je authenticator-app",
            ["CodeHelp"] = "Open de app op je telefoon en vul de code van 6 cijfers in. Telefoon kwijt? Vul dan een van je herstelcodes in.",
            ["CodeNeeded"] = "Vul ook de code uit je authenticator-app in.",
            ["OtherAccount"] = "Met een ander account inloggen",
        },
        ["en"] = new()
        {
            ["Title"] = "Expert console",
            ["LoginTitle"] = "Sign in",
            ["LoginIntro"] = "Sign in to start your shift.",
            ["UserName"] = "User name",
            ["Password"] = "Password",
            ["SignIn"] = "Sign in",
            ["LoginFailed"] = "User name or password is not correct.",
            ["CodeWrong"] = "This code is not correct (or was used already). Try the newest code from your app.",
            ["CodesLocked"] = "Too many wrong codes: no code can be entered for this account for a quarter of an hour. Try again in {0} min.",
            ["Required"] = "Enter your user name and password.",
            ["OtherLanguage"] = "Nederlands",
            ["OtherLanguageCode"] = "nl",
            ["NoScript"] = "This console needs JavaScript.",
            ["SignOut"] = "Sign out",
            ["BlocksTitle"] = "Blocks",
            ["ProjectsTitle"] = "Projects",
            ["TriageTitle"] = "Urgent words",
            ["RepliesTitle"] = "Replies and referrals",
            ["MailboxTitle"] = "Mailbox",
            ["RosterTitle"] = "Roster",
            ["TwoFactorTitle"] = "Two-step verification",
            ["Code"] = "Code from your authenticator app",
            ["CodeHelp"] = "Open the app on your phone and enter the 6-digit code. Lost your phone? Enter one of your recovery codes instead.",
            ["CodeNeeded"] = "Also enter the code from your authenticator app.",
            ["OtherAccount"] = "Sign in with another account",
        },
    };

    public string Language { get; }

    public ConsoleTexts(HttpContext http)
    {
        var q = http.Request.Query["lang"].ToString();
        if (q is "nl" or "en")
        {
            http.Response.Cookies.Append(LanguageCookie, q, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, IsEssential = true, MaxAge = TimeSpan.FromDays(365),
            });
            Language = q;
        }
        else
        {
            Language = http.Request.Cookies[LanguageCookie] == "en" ? "en" : "nl";
        }
    }

    public string this[string key] => All[Language].TryGetValue(key, out var v) ? v : All["nl"][key];
}
