using Chat.Server.Live;

namespace Chat.Server.Replies;

/// <summary>A canned reply: a text the expert puts in the message box to adjust (never sent as it is).</summary>
public sealed class Reply : Tenancy.IProjectRecord
{
    /// <summary>The project the record belongs to (Tenancy/ProjectScope).</summary>
    public string Project { get; set; } = "";
    public long Id { get; set; }
    public string Title { get; set; } = "";
    public string Text { get; set; } = "";
    public string Language { get; set; } = "nl";
}

/// <summary>
/// An organisation experts refer visitors to. <see cref="Kind"/> is a <c>professionalHelp</c> code of the contact form,
/// so a card sent in a chat pre-fills the form.
/// </summary>
public sealed class Referral : Tenancy.IProjectRecord
{
    /// <summary>The project the record belongs to (Tenancy/ProjectScope).</summary>
    public string Project { get; set; } = "";
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Phone { get; set; } = "";
    public string Url { get; set; } = "";
    public string Hours { get; set; } = "";
    public string Description { get; set; } = "";

    /// <summary>The copy that goes into the chat.</summary>
    public ReferralCard Card() => new(Name, Kind, Phone, Url, Hours, Description);

    /// <summary>The card as plain text: the message's <c>text</c>, shown wherever a card is not (transcripts, older clients).</summary>
    public static string TextOf(ReferralCard c)
    {
        var lines = new List<string> { c.Name };
        if (c.Description.Length > 0) lines.Add(c.Description);
        if (c.Phone.Length > 0) lines.Add(c.Hours.Length > 0 ? $"Bel {c.Phone} ({c.Hours})" : $"Bel {c.Phone}");
        else if (c.Hours.Length > 0) lines.Add(c.Hours);
        if (c.Url.Length > 0) lines.Add(c.Url);
        return string.Join('\n', lines);
    }
}
