namespace Chat.Server.ContactForms;

/// <summary>Section <c>ContactForms</c>.</summary>
public sealed class ContactFormsOptions
{
    public const string Section = "ContactForms";

    /// <summary>
    /// A draft of a form that nobody filled in is dropped this long after its chat ended (default 30 days; positive):
    /// from then on it is no longer a form to fill in anywhere (the expert's pending forms, the statistics' missing forms).
    /// </summary>
    public TimeSpan DraftRetention { get; set; } = TimeSpan.FromDays(30);
}
