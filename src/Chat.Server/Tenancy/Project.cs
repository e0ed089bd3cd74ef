namespace Chat.Server.Tenancy;

/// <summary>
/// One project (a regional chat service) on the installation: its own widget texts, queue, experts, records and figures.
/// An installation that predates projects is the project <see cref="Storage.Projects.Default"/>; its empty texts fall back
/// to the <c>Widget</c> settings, so nothing changes for anyone.
/// </summary>
public sealed class Project
{
    /// <summary>a-z, 0-9 and '-', 2 to 40 characters; in the embed code (<c>data-project</c>) and every record.</summary>
    public string Slug { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>What the widget's header says (null: Widget:OrganisationName).</summary>
    public string? OrganisationName { get; set; }
    /// <summary>Where quick exit goes (null: Widget:QuickExitUrl).</summary>
    public string? QuickExitUrl { get; set; }
    /// <summary>The opening hours shown while closed (null: Widget:OpeningHours).</summary>
    public string? OpeningHoursText { get; set; }
    /// <summary>Other ways to reach the project, shown while closed (null: Widget:Alternatives).</summary>
    public string? Alternatives { get; set; }
    /// <summary>Origins allowed to embed the widget, one per line (empty: Widget:AllowedEmbedOrigins).</summary>
    public string EmbedOrigins { get; set; } = "";
    /// <summary>Partner projects' slugs joined by commas; a partnership holds only when both name each other.</summary>
    public string Partners { get; set; } = "";
    /// <summary>After this wait a visitor is offered a partner project with someone free (a visitor in danger at once).</summary>
    public int OverflowAfterSeconds { get; set; } = 600;
    /// <summary>To the hour, like every record's time.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    public IReadOnlyList<string> PartnerList => Split(Partners, ',');
    public IReadOnlyList<string> EmbedOriginList => Split(EmbedOrigins, '\n');

    private static string[] Split(string s, char by) => s.Split(by, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A record that belongs to one project: read and written only within the caller's projects (<see cref="ProjectScope"/>).</summary>
public interface IProjectRecord
{
    string Project { get; set; }
}
