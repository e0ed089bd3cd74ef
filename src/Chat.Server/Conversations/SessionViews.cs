using Chat.Server.Live;

namespace Chat.Server.Conversations;

/// <summary>What each side is shown of a chat session: the visitor sees the expert's name and experience, the expert
/// sees what the visitor chose to tell (never an address or anything that identifies them).</summary>
public static class SessionViews
{
    public static ExpertInfo? ExpertOf(ChatSession s) =>
        s.ExpertDisplayName is null ? null : new ExpertInfo(s.ExpertDisplayName, s.ExpertExperience ?? "");

    /// <param name="now">For a chat still waiting: how long it has waited so far.</param>
    /// <param name="rules">For the badge: whether the visitor had waited past Triage:MaxWaitBeforeFirst when the chat started.</param>
    public static VisitorInfo VisitorInfoOf(ChatSession s, DateTimeOffset now, MatchRules rules) => new(s.Visitor.About, s.Visitor.PreferredExperience,
        s.Visitor.FollowUp, s.Visitor.Referral, s.Visitor.Language, (int)Math.Max(0, ((s.StartedAt ?? now) - s.RequestedAt).TotalSeconds),
        s.Visitor.PreferredGender, Matchmaking.UrgentReason(s, s.StartedAt ?? now, rules) is { } reason ? new UrgentInfo(reason) : null);

    /// <summary>
    /// The project the visitor came from, by name, and whether they came from a partner project (overflow): the console
    /// says so when it matters (an expert of several projects, or a visitor of another project).
    /// </summary>
    public static async Task<VisitorInfo> WithProjectAsync(this Task<VisitorInfo> info, ChatSession s, Tenancy.ProjectDirectory projects)
    {
        var v = await info;
        return v with { Project = s.Project, ProjectName = (await projects.FindAsync(s.Project))?.Name ?? s.Project, Overflow = s.OverflowProject is not null };
    }

    /// <summary>The follow-up's note, when this chat's expert wrote one on the code's thread (for them only).</summary>
    public static async Task<VisitorInfo> WithNoteAsync(this VisitorInfo v, ChatSession s, Mailbox.MailboxFollowUps followUps) =>
        s.Visitor.FollowUpThreadId is { } thread && s.ExpertId is { } expert && await followUps.NoteForAsync(thread, expert) is { } note
            ? v with { FollowUpNote = note }
            : v;

    public static string StatusOf(ChatSession s) => s.State switch { ChatState.Queued => "queued", ChatState.Active => "active", _ => "ended" };
}
