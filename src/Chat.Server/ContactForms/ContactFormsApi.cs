using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Chat.Server.Accounts;
using Chat.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.ContactForms;

public sealed record ContactFormRequest(
    string? ConversationId, DateTimeOffset? OccurredAt, int? DurationMinutes, string? Conversation, string? ContactType,
    string? ContactSeeker, string[]? ReferralSources, string? ReferralOther, string[]? Support, string[]? ProfessionalHelp, string? Safety);

public sealed record ContactFormDto(
    string Id, string? ConversationId, DateTimeOffset OccurredAt, int DurationMinutes, string Conversation, string ContactType,
    string ContactSeeker, string[] ReferralSources, string? ReferralOther, string[] Support, string[] ProfessionalHelp, string Safety,
    DateTimeOffset CreatedAt)
{
    public static ContactFormDto From(ContactForm f) => new(f.Id, f.ConversationId, f.OccurredAt, f.DurationMinutes, f.Conversation,
        f.ContactType, f.ContactSeeker, ContactCodes.ReferralSources.Keys(f.ReferralSources), f.ReferralOther,
        ContactCodes.Support.Keys(f.Support), ContactCodes.ProfessionalHelp.Keys(f.ProfessionalHelp), f.Safety, f.CreatedAt);
}

public static class ContactFormsApi
{
    /// <summary>
    /// Contact forms: the project's time zone (days and weeks of every date filter), the drafts of forms to fill, and
    /// their expiry after <c>ContactForms:DraftRetention</c>.
    /// </summary>
    public static IServiceCollection AddContactForms(this IServiceCollection services)
    {
        services.AddOptions<ReportingOptions>().BindConfiguration(ReportingOptions.Section);
        services.AddOptions<ContactFormsOptions>().BindConfiguration(ContactFormsOptions.Section)
            .Validate(o => o.DraftRetention > TimeSpan.Zero,
                "ContactForms:DraftRetention must be positive: how long a form nobody filled in stays to fill, e.g. 30.00:00:00 (30 days).")
            .ValidateOnStart();
        services.AddSingleton<ReportingZone>();
        services.AddSingleton<ContactDrafts>();
        services.AddSingleton<DraftExpiry>();
        services.AddHostedService(sp => sp.GetRequiredService<DraftExpiry>());
        return services;
    }

    public static IEndpointRouteBuilder MapContactForms(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/contacts").WithTags("Contact forms")
            .RequireAuthorization(p => p.RequireRole(Roles.Expert, Roles.Coordinator));

        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapGet("/pending", async (ClaimsPrincipal user, RecordsDbContext db) =>
            TypedResults.Ok(await ContactDrafts.PendingAsync(db, UserId(user))));
        group.MapGet("/codes", (string? lang) => TypedResults.Ok(ContactCodes.Fields.Select(f => new
        {
            f.Name, f.Multiple, label = f.Label(lang),
            codes = f.Codes.Select(c => new { c.Key, label = c.Label(lang) }),
        })));
        return app;
    }

    private static async Task<Results<Created<ContactFormDto>, Ok<ContactFormDto>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        ContactFormRequest? body, ClaimsPrincipal user, RecordsDbContext db, TimeProvider time,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey)
    {
        var expertId = UserId(user);
        var errors = ContactFormValidation.Validate(body, time.GetUtcNow());
        if (idempotencyKey is { Length: > 64 }) errors["Idempotency-Key"] = ["Maximaal 64 tekens."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Het contactformulier is niet compleet of klopt niet.");

        ContactDraft? draft = null;
        if (body!.ConversationId is { } conversationId)
        {
            // Idempotent on the chat: the same chat's form again returns the form already stored.
            var existing = await db.ContactForms.FirstOrDefaultAsync(f => f.ConversationId == conversationId);
            if (existing is not null)
                return existing.ExpertId == expertId
                    ? TypedResults.Ok(ContactFormDto.From(existing))
                    : TypedResults.Problem(statusCode: 409, title: "Voor dit gesprek is al een formulier ingevuld.");
            draft = await db.ContactDrafts.FindAsync(conversationId);
            if (draft is null || draft.ExpertId != expertId)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["conversationId"] = ["Onbekend gesprek, of niet jouw gesprek. Laat het leeg voor een contact buiten de chat."],
                });
            if (body.ContactType != (draft.ContactType ?? "website-chat"))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["contactType"] = [draft.ContactType is null ? "Een chatgesprek heeft soort contact 'chat via website'."
                        : "Een beantwoorde brief heeft soort contact 'anoniem bericht (brievenbus)'."],
                });
        }
        else if (!string.IsNullOrWhiteSpace(idempotencyKey))
        {
            var existing = await db.ContactForms.FirstOrDefaultAsync(f => f.ExpertId == expertId && f.IdempotencyKey == idempotencyKey);
            if (existing is not null) return TypedResults.Ok(ContactFormDto.From(existing));
        }

        var form = new ContactForm
        {
            Id = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(),
            ExpertId = expertId,
            ConversationId = body.ConversationId,
            IdempotencyKey = body.ConversationId is null && !string.IsNullOrWhiteSpace(idempotencyKey) ? idempotencyKey : null,
            // For a chat the system knows when it started; the hour is all that is kept.
            OccurredAt = ContactDrafts.Hour(draft?.OccurredAt ?? body.OccurredAt!.Value),
            DurationMinutes = body.DurationMinutes!.Value,
            Conversation = body.Conversation!,
            ContactType = body.ContactType!,
            ContactSeeker = body.ContactSeeker!,
            ReferralSources = ContactCodes.ReferralSources.Mask(body.ReferralSources),
            ReferralOther = body.ReferralSources?.Contains("other") == true ? body.ReferralOther?.Trim() : null,
            Support = ContactCodes.Support.Mask(body.Support),
            ProfessionalHelp = ContactCodes.ProfessionalHelp.Mask(body.ProfessionalHelp),
            Safety = body.Safety!,
            Urgent = draft?.Urgent,
            Project = draft?.Project ?? "", // a contact outside the chat: the expert's first project (the records context stamps it)
            CreatedAt = ContactDrafts.Hour(time.GetUtcNow()), // records keep times to the hour only
        };
        db.ContactForms.Add(form);
        if (draft is not null) db.ContactDrafts.Remove(draft);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Two submissions raced on the same chat or key: the other one won; answer with what is stored.
            db.ChangeTracker.Clear();
            var stored = await db.ContactForms.FirstOrDefaultAsync(f =>
                (form.ConversationId != null && f.ConversationId == form.ConversationId) ||
                (form.IdempotencyKey != null && f.ExpertId == expertId && f.IdempotencyKey == form.IdempotencyKey));
            if (stored is null) throw;
            return TypedResults.Ok(ContactFormDto.From(stored));
        }
        return TypedResults.Created($"/api/contacts/{form.Id}", ContactFormDto.From(form));
    }

    private static async Task<Results<Ok<ContactFormDto[]>, ValidationProblem>> ListAsync(
        string? from, string? to, ClaimsPrincipal user, RecordsDbContext db, ReportingZone zone)
    {
        var errors = new Dictionary<string, string[]>();
        var fromDate = ParseDate(from, "from", errors);
        var toDate = ParseDate(to, "to", errors);
        if (fromDate is { } f && toDate is { } t && f > t) errors["from"] = ["'from' ligt na 'to'."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var query = db.ContactForms.AsNoTracking();
        if (!user.IsInRole(Roles.Coordinator)) query = query.Where(x => x.ExpertId == UserId(user));
        // Dates are whole days in the configured time zone; the upper bound is inclusive.
        if (fromDate is { } fd) { var start = zone.StartOfDay(fd); query = query.Where(x => x.OccurredAt >= start); }
        if (toDate is { } td) { var end = zone.StartOfDay(td.AddDays(1)); query = query.Where(x => x.OccurredAt < end); }
        var forms = await query.OrderByDescending(x => x.OccurredAt).ThenByDescending(x => x.CreatedAt).Take(5000).ToListAsync();
        return TypedResults.Ok(forms.Select(ContactFormDto.From).ToArray());
    }

    private static DateOnly? ParseDate(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        errors[name] = ["Gebruik de vorm JJJJ-MM-DD."];
        return null;
    }

    private static string UserId(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier)!;
}
