using Microsoft.AspNetCore.Authorization;

namespace Chat.ExpertConsole.Pages.Console;

/// <summary>The coordinator's urgent words (triage): one list per language.</summary>
[Authorize(Roles = "Coordinator")]
public sealed class TriageModel : ConsolePage
{
    public void OnGet() { }
}
