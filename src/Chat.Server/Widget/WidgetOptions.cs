namespace Chat.Server.Widget;

/// <summary>Section <c>Widget</c>: what each organisation sets for its own chat.</summary>
public sealed class WidgetOptions
{
    public const string Section = "Widget";

    public string OrganisationName { get; set; } = "Anonieme chat";

    /// <summary>Where quick exit sends the visitor: a neutral site that reveals nothing.</summary>
    public string QuickExitUrl { get; set; } = "https://www.buienradar.nl/";

    /// <summary>Opening hours shown when the chat is closed, per language.</summary>
    public Dictionary<string, string> OpeningHours { get; set; } = new()
    {
        ["nl"] = "Elke dag van 19:00 tot 23:00 uur.",
        ["en"] = "Every day from 7 pm to 11 pm.",
    };

    /// <summary>Other ways to reach the project, shown when the chat is closed, per language.</summary>
    public Dictionary<string, string> Alternatives { get; set; } = new()
    {
        ["nl"] = "Je kunt ons ook bellen of een WhatsApp sturen: 06-12345678.",
        ["en"] = "You can also call us or send a WhatsApp message: 06-12345678.",
    };

    /// <summary>Origins allowed to embed the chat iframe (CSP frame-ancestors); empty means any site.</summary>
    public string[] AllowedEmbedOrigins { get; set; } = [];
}
