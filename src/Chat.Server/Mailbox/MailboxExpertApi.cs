using System.Security.Claims;
using Chat.Server.Accounts;
using Chat.Server.ContactForms;
using Chat.Server.Conversations;
using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chat.Server.Mailbox;

public sealed record MailboxTextRequest(string? Text);
public sealed record MailboxCloseRequest(string? Reason);
/// <summary>A letter waiting for an answer as experts see it: the visitor's answers, the whole thread, who holds it.</summary>
/// <param name="UrgentWord">A letter held an urgent word (triage): first in the list with <paramref name="InDanger"/>.</param>
public sealed record MailboxThreadSummary(string Id, DateTimeOffset WaitingSince, DateTimeOffset CreatedAt, bool InDanger, string About,
    string PreferredExperience, string PreferredGender, string Language, string? Referral, bool Claimed, bool ClaimedByMe,
    DateTimeOffset? ClaimedUntil, IReadOnlyList<MailboxMessageView> Messages, string? Note, bool UrgentWord = false, string? Project = null,
    string? ProjectName = null);
public sealed record MailboxAnswered(string ThreadId, ContactPrefill Form);
/// <summary>The coordinator's live view and the menu's count: waiting letters and since when the oldest waits.</summary>
public sealed record MailboxSummary(int Waiting, DateTimeOffset? OldestWaitingSince);

public static partial class MailboxApi
{
    public static readonly string[] CloseReasons = ["spam", "abusive"];

    private static void MapExperts(IEndpointRouteBuilder app)
    {
        var experts = app.MapGroup("/api/mailbox").WithTags("Mailbox").RequireAuthorization(p => p.RequireRole(Roles.Expert, Roles.Coordinator));
        experts.MapGet("/summary", SummaryAsync);
        experts.MapGet("/threads", ThreadsAsync);
        experts.MapPost("/threads/{id}/claim", ClaimAsync);
        experts.MapPost("/threads/{id}/answer", AnswerAsync);
        experts.MapPost("/threads/{id}/release", ReleaseAsync);
        experts.MapPost("/threads/{id}/close", CloseAsync);
        experts.MapPost("/threads/{id}/note", NoteAsync);
    }

    private static string Me(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier)!;

    private static async Task<IResult> SummaryAsync(RecordsDbContext db, TimeProvider time, IOptionsMonitor<MailboxOptions> options)
    {
        var cutoff = RetentionCutoff(time.GetUtcNow(), options.CurrentValue);
        var waiting = db.MailboxThreads.AsNoTracking()
            .Where(t => t.Status == MailboxThreads.Waiting && t.LastActivityAt > cutoff);
        var count = await waiting.CountAsync();
        var oldest = count == 0 ? null : await waiting.MinAsync(t => t.WaitingSince);
        return TypedResults.Ok(new MailboxSummary(count, oldest));
    }

    /// <summary>Waiting threads: in danger first, then the longest waiting.</summary>
    private static async Task<IResult> ThreadsAsync(ClaimsPrincipal user, RecordsDbContext db, MailboxSecrets secrets, TimeProvider time,
        IOptionsMonitor<MailboxOptions> options, Tenancy.ProjectDirectory projects)
    {
        var names = await projects.AllAsync(); // the project a letter is for, by name (an expert of several projects sees it)
        var me = Me(user);
        var now = time.GetUtcNow();
        var cutoff = RetentionCutoff(now, options.CurrentValue);
        var threads = await db.MailboxThreads.AsNoTracking()
            .Where(t => t.Status == MailboxThreads.Waiting && t.LastActivityAt > cutoff)
            .OrderByDescending(t => t.InDanger || t.UrgentWord).ThenBy(t => t.WaitingSince).ThenBy(t => t.CreatedAt).ThenBy(t => t.Id)
            .Take(500).ToListAsync();
        var ids = threads.Select(t => t.Id).ToList();
        var messages = (await db.MailboxMessages.AsNoTracking().Where(m => ids.Contains(m.ThreadId)).OrderBy(m => m.Id).ToListAsync())
            .ToLookup(m => m.ThreadId);
        return TypedResults.Ok(threads.Select(t =>
        {
            var claimed = t.ClaimedBy is not null && t.ClaimedUntil > now;
            return new MailboxThreadSummary(t.Id, t.WaitingSince ?? t.CreatedAt, t.CreatedAt, t.InDanger, t.About, t.PreferredExperience,
                t.PreferredGender, t.Language, t.Referral, claimed, claimed && t.ClaimedBy == me, claimed ? t.ClaimedUntil : null,
                messages[t.Id].Select(m => new MailboxMessageView(m.From, m.DisplayName, secrets.Unprotect(m.Cipher), m.SentAt)).ToList(),
                t.NoteBy == me && t.NoteCipher is { } note ? secrets.Unprotect(note) : null, t.UrgentWord, t.Project,
                names.GetValueOrDefault(t.Project)?.Name ?? t.Project);
        }).ToList());
    }

    /// <summary>
    /// One expert at a time, in one statement: the claim is taken when the thread waits and is free, already this expert's,
    /// or the holder's claim has lapsed. Two experts clicking at once: one gets it, the other 409.
    /// </summary>
    private static async Task<bool> TryClaimAsync(RecordsDbContext db, string id, string me, DateTimeOffset now, MailboxOptions o)
    {
        var until = now + o.ClaimTimeout;
        var cutoff = RetentionCutoff(now, o);
        return await db.MailboxThreads
            .Where(t => t.Id == id && t.Status == MailboxThreads.Waiting && t.LastActivityAt > cutoff
                        && (t.ClaimedBy == null || t.ClaimedBy == me || t.ClaimedUntil <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ClaimedBy, me).SetProperty(t => t.ClaimedUntil, until)) == 1;
    }

    /// <summary>Why a thread cannot be taken: gone (404), answered already or another expert's (409).</summary>
    private static async Task<IResult> NotTakenAsync(RecordsDbContext db, string id, DateTimeOffset now, MailboxOptions o)
    {
        var cutoff = RetentionCutoff(now, o);
        var t = await db.MailboxThreads.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id && x.LastActivityAt > cutoff);
        if (t is null) return ThreadNotFound();
        return t.Status != MailboxThreads.Waiting
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Deze brief is al beantwoord.")
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Een andere ervaringsdeskundige beantwoordt deze brief al.");
    }

    private static IResult ThreadNotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Brief niet gevonden",
        detail: "Deze brief bestaat niet (meer): gewist door de schrijver, of verlopen.");

    private static async Task<IResult> ClaimAsync(string id, ClaimsPrincipal user, RecordsDbContext db, TimeProvider time, IOptionsMonitor<MailboxOptions> options)
    {
        var now = time.GetUtcNow();
        if (!await TryClaimAsync(db, id, Me(user), now, options.CurrentValue)) return await NotTakenAsync(db, id, now, options.CurrentValue);
        return TypedResults.Ok(new { claimedUntil = now + options.CurrentValue.ClaimTimeout });
    }

    private static async Task<IResult> ReleaseAsync(string id, ClaimsPrincipal user, RecordsDbContext db)
    {
        var me = Me(user);
        var released = await db.MailboxThreads.Where(t => t.Id == id && t.ClaimedBy == me)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ClaimedBy, (string?)null).SetProperty(t => t.ClaimedUntil, (DateTimeOffset?)null));
        if (released == 1) return TypedResults.NoContent();
        return await db.MailboxThreads.AnyAsync(t => t.Id == id)
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Deze brief heb jij niet in handen.")
            : ThreadNotFound();
    }

    /// <summary>The answer, and a contact-form draft for it (<c>anonymous-mailbox</c>; follow-up after the thread's first answer).</summary>
    private static async Task<IResult> AnswerAsync(string id, MailboxTextRequest? body, ClaimsPrincipal user, RecordsDbContext db,
        MailboxSecrets secrets, TimeProvider time, IOptionsMonitor<MailboxOptions> options)
    {
        var errors = new Dictionary<string, string[]>();
        TextError(errors, "text", body?.Text, MailboxThreads.MaxText);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Het antwoord klopt niet.");
        var o = options.CurrentValue;
        var me = Me(user);
        var now = time.GetUtcNow();
        if (!await TryClaimAsync(db, id, me, now, o)) return await NotTakenAsync(db, id, now, o);
        var thread = await db.MailboxThreads.SingleAsync(t => t.Id == id);
        var expert = await db.Users.AsNoTracking().Where(u => u.Id == me).Select(u => u.DisplayName).SingleAsync();
        var hour = Hour(now);
        var waitedFrom = thread.WaitingSince ?? thread.CreatedAt;
        var claimedAt = (thread.ClaimedUntil ?? now) - o.ClaimTimeout;
        var prefill = new ContactPrefill("mb" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(),
            hour, ContactDrafts.DurationMinutes(claimedAt < now ? claimedAt : now, now), "anonymous-mailbox",
            thread.Answers == 0 ? "first" : "follow-up", ContactCodes.ContactSeekerFromAbout(thread.About),
            ContactCodes.ReferralFromPage(thread.Referral), [], [], thread.InDanger ? "acute" : thread.UrgentWord ? "concern" : null,
            thread.InDanger ? Live.Urgency.Answer : thread.UrgentWord ? Live.Urgency.Words : null);

        db.MailboxMessages.Add(new MailboxMessage
        {
            ThreadId = thread.Id, Project = thread.Project, From = MailboxThreads.FromExpert, ExpertId = me, DisplayName = expert,
            Cipher = secrets.Protect(body!.Text!.Trim()), SentAt = hour,
        });
        db.MailboxEvents.Add(new MailboxEvent
        {
            Project = thread.Project, Kind = MailboxThreads.Answer, At = hour, Hours = Math.Max(1, (int)Math.Ceiling((hour - waitedFrom).TotalHours)),
        });
        thread.Status = MailboxThreads.Answered;
        thread.WaitingSince = null;
        thread.Answers++;
        thread.LastActivityAt = hour;
        thread.LastExpertId = me;
        thread.ClaimedBy = null;
        thread.ClaimedUntil = null;
        db.ContactDrafts.Add(new ContactDraft
        {
            ConversationId = prefill.ConversationId, ExpertId = me, OccurredAt = prefill.OccurredAt, DurationMinutes = prefill.DurationMinutes,
            Conversation = prefill.Conversation ?? "", ContactSeeker = prefill.ContactSeeker ?? "", ReferralSource = prefill.ReferralSources.FirstOrDefault(),
            EndedAt = hour, Safety = prefill.Safety, ContactType = prefill.ContactType, Project = thread.Project,
        });
        await db.SaveChangesAsync();
        return TypedResults.Created((string?)null, new MailboxAnswered(thread.Id, prefill));
    }

    /// <summary>Spam or abuse: the thread goes without an answer and without a form (only the count of closures stays).</summary>
    private static async Task<IResult> CloseAsync(string id, MailboxCloseRequest? body, ClaimsPrincipal user, RecordsDbContext db, TimeProvider time)
    {
        if (body?.Reason is not { } reason || !CloseReasons.Contains(reason))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [$"Kies een van: {string.Join(", ", CloseReasons)}."] },
                title: "Geef een reden.");
        var thread = await db.MailboxThreads.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id);
        if (thread is null) return ThreadNotFound();
        var now = time.GetUtcNow();
        if (thread.ClaimedBy is { } holder && holder != Me(user) && thread.ClaimedUntil > now)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Een andere ervaringsdeskundige beantwoordt deze brief al.");
        db.MailboxEvents.Add(new MailboxEvent { Project = thread.Project, Kind = MailboxThreads.Closed, At = Hour(now) });
        await db.SaveChangesAsync();
        await MailboxErasure.DeleteAsync(db, db.MailboxThreads.Where(t => t.Id == id));
        return TypedResults.NoContent();
    }

    /// <summary>The expert of the last answer or chat keeps a short note for a follow-up; only they ever see it.</summary>
    private static async Task<IResult> NoteAsync(string id, MailboxTextRequest? body, ClaimsPrincipal user, RecordsDbContext db,
        MailboxSecrets secrets, TimeProvider time, IOptionsMonitor<MailboxOptions> options)
    {
        var text = body?.Text?.Trim() ?? "";
        if (text.Length > MailboxThreads.MaxNote)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["text"] = [$"Maximaal {MailboxThreads.MaxNote} tekens."] },
                title: "De notitie is te lang.");
        var cutoff = RetentionCutoff(time.GetUtcNow(), options.CurrentValue);
        var thread = await db.MailboxThreads.FirstOrDefaultAsync(t => t.Id == id && t.LastActivityAt > cutoff);
        if (thread is null) return ThreadNotFound();
        var me = Me(user);
        if (thread.LastExpertId != me)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Alleen wie het laatst antwoordde, houdt hier een notitie bij.");
        (thread.NoteCipher, thread.NoteBy) = text.Length == 0 ? (null, null) : (secrets.Protect(text), me);
        await db.SaveChangesAsync();
        return TypedResults.NoContent();
    }
}
