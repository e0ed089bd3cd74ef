using Chat.Server.Conversations;
using Chat.Server.Live;
using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.ContactForms;

/// <summary>Keeps the drafts of forms to fill after answered chats (singleton; opens a scope per call).</summary>
public sealed class ContactDrafts(IServiceScopeFactory scopes, ILogger<ContactDrafts> logger)
{
    /// <param name="log">The chat's messages: a referral card sent in it means advice to seek professional help, of its kind.</param>
    /// <param name="urgent">Why the chat went first (Matchmaking.UrgentReason): "in gevaar: ja" pre-fills safety <c>acute</c>, an
    /// urgent word <c>concern</c>; the expert decides.</param>
    public static ContactPrefill Prefill(ChatSession s, DateTimeOffset endedAt, IReadOnlyList<ChatMessage>? log = null, string? urgent = null)
    {
        var kinds = ContactCodes.ProfessionalHelp.Mask((log ?? []).Where(m => m.Card is not null).Select(m => m.Card!.Kind));
        var sent = (log ?? []).Any(m => m.Card is not null);
        return new(
            s.ConversationId,
            Hour(s.StartedAt ?? s.RequestedAt),
            DurationMinutes(s.StartedAt ?? endedAt, endedAt),
            "website-chat",
            ContactCodes.ConversationFromFollowUp(s.Visitor.FollowUp),
            ContactCodes.ContactSeekerFromAbout(s.Visitor.About),
            ContactCodes.ReferralFromPage(s.Visitor.Referral),
            sent ? [ReferredSupport] : [],
            ContactCodes.ProfessionalHelp.Keys(kinds),
            (urgent ?? s.Urgent) switch { Urgency.Answer => "acute", Urgency.Words => "concern", _ => null },
            urgent ?? s.Urgent);
    }

    private const string ReferredSupport = "advice-professional-help";

    /// <summary>ceiling(seconds / 60), at least 1, at most the form's 600.</summary>
    public static int DurationMinutes(DateTimeOffset start, DateTimeOffset end) =>
        (int)Math.Clamp(Math.Ceiling((end - start).TotalSeconds / 60.0), 1, 600);

    /// <summary>The start of the UTC hour: records keep times to the hour only (occurredAt, creation and end times).</summary>
    public static DateTimeOffset Hour(DateTimeOffset t)
    {
        var u = t.ToUniversalTime();
        return new DateTimeOffset(u.Year, u.Month, u.Day, u.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <param name="project">The project whose expert took the chat (an accepted overflow: the partner's).</param>
    public async Task SaveAsync(string expertId, ContactPrefill p, DateTimeOffset endedAt, string project = Storage.Projects.Default)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
            if (await db.ContactDrafts.AnyAsync(d => d.ConversationId == p.ConversationId)) return;
            if (await db.ContactForms.AnyAsync(f => f.ConversationId == p.ConversationId)) return;
            db.ContactDrafts.Add(new ContactDraft
            {
                ConversationId = p.ConversationId, ExpertId = expertId, OccurredAt = p.OccurredAt,
                DurationMinutes = p.DurationMinutes, Conversation = p.Conversation ?? "", ContactSeeker = p.ContactSeeker ?? "", // "": not said
                ReferralSource = p.ReferralSources.FirstOrDefault(), EndedAt = Hour(endedAt),
                Support = ContactCodes.Support.Mask(p.Support), ProfessionalHelp = ContactCodes.ProfessionalHelp.Mask(p.ProfessionalHelp),
                Safety = p.Safety, Urgent = p.Urgent, Project = project,
            });
            await db.SaveChangesAsync();
        }
        catch (Exception ex)
        {
            // The expert still gets the prefill in the ChatEnded event; only the reminder after a reload is lost.
            logger.LogError(ex, "Could not save the contact form draft");
        }
    }

    public static async Task<IReadOnlyList<ContactPrefill>> PendingAsync(RecordsDbContext db, string expertId)
    {
        var drafts = await db.ContactDrafts.Where(d => d.ExpertId == expertId).ToListAsync();
        return drafts.OrderBy(d => d.EndedAt).ThenBy(d => d.OccurredAt).Select(d => new ContactPrefill(d.ConversationId, d.OccurredAt, d.DurationMinutes,
            d.ContactType ?? "website-chat", Said(d.Conversation), Said(d.ContactSeeker), d.ReferralSource is null ? [] : [d.ReferralSource],
            ContactCodes.Support.Keys(d.Support), ContactCodes.ProfessionalHelp.Keys(d.ProfessionalHelp), d.Safety, d.Urgent)).ToList();
    }

    // A draft is a prefill, never an answer: "" is what the visitor did not say, and so is the "unknown" that drafts made
    // before 2026-12-05 held then.
    private static string? Said(string value) => value is "" or "unknown" ? null : value;
}
