using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Chat.ExpertConsole.Pages;

/// <summary>A console page: its texts follow the console language (?lang= or the language cookie).</summary>
public abstract class ConsolePage : PageModel
{
    private ConsoleTexts? _texts;
    public ConsoleTexts Texts => _texts ??= new ConsoleTexts(HttpContext);
}
