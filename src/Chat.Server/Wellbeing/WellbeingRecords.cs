namespace Chat.Server.Wellbeing;

/// <summary>
/// An expert asked to talk a heavy conversation through. No content and no conversation: who asked and the hour
/// (records keep times to the hour). Never part of any performance figure.
/// </summary>
public sealed class DebriefRequest : Tenancy.IProjectRecord
{
    /// <summary>The project the record belongs to (Tenancy/ProjectScope).</summary>
    public string Project { get; set; } = "";
    public long Id { get; set; }
    public string ExpertId { get; set; } = "";
    public DateTimeOffset RequestedAt { get; set; }
}

/// <summary>
/// Visitors' feedback, counted per local day only: there are no rows per response, so nothing can link an answer to a
/// chat, a contact form or an expert.
/// </summary>
public sealed class FeedbackDay : Tenancy.IProjectRecord
{
    public string Project { get; set; } = Storage.Projects.Default;
    public int Day { get; set; }
    public int Responses { get; set; }
    public int ScoreCount { get; set; }
    public int ScoreSum { get; set; }
    public int HelpedYes { get; set; }
    public int HelpedSomewhat { get; set; }
    public int HelpedNo { get; set; }
}
