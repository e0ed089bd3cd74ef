using Chat.Server.Abuse;
using Chat.Server.Conversations;
using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chat.Server.Mailbox;

public sealed record LetterRequest(string? Text, string? About, string? PreferredExperience, string? PreferredGender, string? Language,
    string? Referral, bool? InDanger, string? Project = null);
public sealed record LetterCreated(string Code, int? AnswerExpected);
public sealed record CodeRequest(string? Code);
public sealed record WriteRequest(string? Code, string? Text);
public sealed record MailboxMessageView(string From, string? DisplayName, string Text, DateTimeOffset SentAt);
/// <param name="AnswerExpected">Whole hours (the 80th percentile of the last 30 days' answers), null under 10 answers.</param>
public sealed record MailboxThreadView(string Status, IReadOnlyList<MailboxMessageView> Messages, int? AnswerExpected);

/// <summary>
/// The anonymous mailbox (brievenbus): a visitor leaves a letter and gets a code, the only key to the thread. Every
/// visitor call carries the code in a JSON body. A code with a wrong check character is a typing error (400, counted
/// nowhere); an unknown, expired or deleted code answers the same 404 everywhere and counts as a wrong code.
/// </summary>
public static partial class MailboxApi
{
    public static IServiceCollection AddMailbox(this IServiceCollection services)
    {
        services.AddOptions<MailboxOptions>().BindConfiguration(MailboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MailboxSecrets>();
        services.AddSingleton<MailboxMetrics>();
        // SQLite's secure_delete (a deleted letter's pages zeroed) is set on every records connection: Storage/SqliteConnectionSetup.
        services.AddSingleton<MailboxFollowUps>();
        services.AddSingleton<MailboxRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<MailboxRetention>());
        return services;
    }

    public static IEndpointRouteBuilder MapMailbox(this IEndpointRouteBuilder app)
    {
        var visitor = app.MapGroup("/api/mailbox").WithTags("Mailbox").AllowAnonymous();
        visitor.MapPost("/", LeaveLetterAsync);
        visitor.MapPost("/open", OpenAsync);
        visitor.MapPost("/write", WriteAsync);
        visitor.MapPost("/delete", DeleteAsync);
        MapExperts(app);
        return app;
    }

    private static async Task<IResult> LeaveLetterAsync(LetterRequest? body, HttpContext http, RecordsDbContext db, MailboxSecrets secrets,
        IAbuseStore abuse, TimeProvider time, IOptionsMonitor<MailboxOptions> options, Triage.UrgentWords urgentWords)
    {
        var errors = new Dictionary<string, string[]>();
        if (body is null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [""] = ["De brief is leeg."] }, title: "De brief klopt niet.");
        TextError(errors, "text", body.Text, MailboxThreads.MaxText);
        var about = Code(errors, "about", body.About, ChatValidation.AboutCodes, "unspecified");
        var experience = Code(errors, "preferredExperience", body.PreferredExperience, ChatValidation.PreferredExperienceCodes, "any");
        var gender = Code(errors, "preferredGender", body.PreferredGender, ChatValidation.PreferredGenderCodes, "any");
        var language = Code(errors, "language", body.Language, ChatValidation.Languages, "nl");
        string? referral = null;
        if (!string.IsNullOrWhiteSpace(body.Referral))
        {
            referral = body.Referral.Trim().ToLowerInvariant();
            if (referral.Length > 40 || !referral.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                errors["referral"] = ["Alleen letters, cijfers, - en _ (maximaal 40)."];
        }
        // The project whose widget the letter comes from (none: the installation's own); its experts answer it.
        var project = string.IsNullOrEmpty(body.Project) ? MailboxThreads.DefaultProject : body.Project;
        if (await http.RequestServices.GetRequiredService<Tenancy.ProjectDirectory>().FindAsync(project) is null)
            errors["project"] = ["Onbekend project (data-project in de insluitcode)."];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "De brief klopt niet.");

        var o = options.CurrentValue;
        if (await db.MailboxThreads.CountAsync(t => t.Project == project && t.Status == MailboxThreads.Waiting) >= o.MaxWaiting)
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "De brievenbus is even vol.",
                detail: "Er liggen nu veel brieven te wachten. Probeer het later nog eens, of bel bij gevaar 112 en voor advies Veilig Thuis: 0800-2000.");
        var now = time.GetUtcNow();
        if (await abuse.CountInWindowAsync("mailbox:letters:" + AddressOf(http), TimeSpan.FromDays(1), now) > o.LettersPerAddressPerDay)
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Vandaag kun je geen nieuwe brief meer achterlaten.",
                detail: "Probeer het morgen nog eens. Heb je al een code? Dan kun je daarmee verder schrijven.");

        var hour = Hour(now);
        for (var attempt = 0; ; attempt++)
        {
            var code = MailboxCode.New();
            var thread = new MailboxThread
            {
                Id = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(),
                Project = project, CodeHash = await secrets.HashAsync(MailboxCode.Normalise(code)!), Status = MailboxThreads.Waiting,
                CreatedAt = hour, LastActivityAt = hour, WaitingSince = hour, InDanger = body.InDanger == true, About = about,
                // An urgent word in the letter puts it first for the experts too (never which word; nothing logged).
                UrgentWord = await urgentWords.MatchesAsync(body.Text, project),
                PreferredExperience = experience, PreferredGender = gender, Language = language, Referral = referral, Letters = 1,
            };
            db.MailboxThreads.Add(thread);
            db.MailboxMessages.Add(new MailboxMessage
            {
                ThreadId = thread.Id, Project = project, From = MailboxThreads.FromVisitor, Cipher = secrets.Protect(body.Text!.Trim()), SentAt = hour,
            });
            db.MailboxEvents.Add(new MailboxEvent { Project = project, Kind = MailboxThreads.Letter, At = hour });
            try
            {
                await db.SaveChangesAsync();
                return TypedResults.Created((string?)null, new LetterCreated(code, await AnswerExpectedAsync(db, project, now)));
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.ChangeTracker.Clear(); // the same code twice (75 bits: in theory only); make another
            }
        }
    }

    private static async Task<IResult> OpenAsync(CodeRequest? body, HttpContext http, RecordsDbContext db, MailboxSecrets secrets,
        IAbuseStore abuse, TimeProvider time, IOptionsMonitor<MailboxOptions> options, MailboxMetrics metrics)
    {
        var (thread, refusal) = await FindAsync(body?.Code, http, db, secrets, abuse, time, options.CurrentValue, metrics);
        if (thread is null) return refusal!;
        return TypedResults.Ok(await ViewAsync(db, secrets, thread, time.GetUtcNow()));
    }

    private static async Task<IResult> WriteAsync(WriteRequest? body, HttpContext http, RecordsDbContext db, MailboxSecrets secrets,
        IAbuseStore abuse, TimeProvider time, IOptionsMonitor<MailboxOptions> options, MailboxMetrics metrics, Triage.UrgentWords urgentWords)
    {
        var errors = new Dictionary<string, string[]>();
        TextError(errors, "text", body?.Text, MailboxThreads.MaxText);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "De brief klopt niet.");
        var (thread, refusal) = await FindAsync(body!.Code, http, db, secrets, abuse, time, options.CurrentValue, metrics);
        if (thread is null) return refusal!;
        if (thread.Letters >= MailboxThreads.MaxLettersPerThread)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Dit gesprek is vol.",
                detail: $"Je kunt in één gesprek {MailboxThreads.MaxLettersPerThread} brieven schrijven. Verwijder het en begin een nieuwe brief, of kom naar de chat.");
        var now = time.GetUtcNow();
        var hour = Hour(now);
        db.MailboxMessages.Add(new MailboxMessage
        {
            ThreadId = thread.Id, Project = thread.Project, From = MailboxThreads.FromVisitor, Cipher = secrets.Protect(body.Text!.Trim()), SentAt = hour,
        });
        db.MailboxEvents.Add(new MailboxEvent { Project = thread.Project, Kind = MailboxThreads.Letter, At = hour });
        thread.Letters++;
        thread.LastActivityAt = hour;
        if (await urgentWords.MatchesAsync(body.Text, thread.Project)) thread.UrgentWord = true;
        if (thread.Status != MailboxThreads.Waiting)
        {
            thread.Status = MailboxThreads.Waiting;
            thread.WaitingSince = hour;
        }
        await db.SaveChangesAsync();
        return TypedResults.Ok(await ViewAsync(db, secrets, thread, now));
    }

    private static async Task<IResult> DeleteAsync(CodeRequest? body, HttpContext http, RecordsDbContext db, MailboxSecrets secrets,
        IAbuseStore abuse, TimeProvider time, IOptionsMonitor<MailboxOptions> options, MailboxMetrics metrics)
    {
        var (thread, refusal) = await FindAsync(body?.Code, http, db, secrets, abuse, time, options.CurrentValue, metrics);
        if (thread is null) return refusal!;
        var id = thread.Id;
        db.ChangeTracker.Clear();
        await MailboxErasure.DeleteAsync(db, db.MailboxThreads.Where(t => t.Id == id));
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The thread of a code, or the refusal: 400 for what is no code (counted nowhere), 429 past the address's checks,
    /// the one 404 for unknown, expired and deleted alike (counted as a wrong code). Every code that reaches the
    /// database costs the same: one keyed hash, one indexed read.
    /// </summary>
    private static async Task<(MailboxThread? Thread, IResult? Refusal)> FindAsync(string? code, HttpContext http, RecordsDbContext db,
        MailboxSecrets secrets, IAbuseStore abuse, TimeProvider time, MailboxOptions o, MailboxMetrics metrics)
    {
        if (MailboxCode.Normalise(code) is not { } normalised)
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["code"] = ["Deze code is niet goed overgetypt: hij heeft 16 tekens (cijfers en letters), zoals 7KQM-2XPD-9HTR-4WNC. Kijk hem nog eens na."],
            }, title: "De code klopt niet."));
        var now = time.GetUtcNow();
        if (await abuse.CountInWindowAsync(MailboxThreads.ChecksMarker + AddressOf(http), TimeSpan.FromHours(1), now) > o.CodeChecksPerAddressPerHour)
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Te veel pogingen.",
                detail: "Je hebt het afgelopen uur te vaak een code geprobeerd. Probeer het over een uur opnieuw."));
        var hash = await secrets.HashAsync(normalised);
        var cutoff = RetentionCutoff(now, o);
        var thread = await db.MailboxThreads.FirstOrDefaultAsync(t => t.CodeHash == hash && t.LastActivityAt > cutoff);
        if (thread is not null) return (thread, null);
        metrics.CodeFailed();
        return (null, NotFound());
    }

    public static IResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Deze code kennen we niet.",
        detail: "Bij deze code hoort geen gesprek (meer). Een gesprek verdwijnt als je het wist, of 30 dagen na de laatste brief.");

    /// <summary>A thread whose last activity is at or before this is past its retention (the sweep deletes it).</summary>
    public static DateTimeOffset RetentionCutoff(DateTimeOffset now, MailboxOptions o) => now - o.Retention - TimeSpan.FromHours(1);

    private static async Task<MailboxThreadView> ViewAsync(RecordsDbContext db, MailboxSecrets secrets, MailboxThread thread, DateTimeOffset now)
    {
        var messages = await db.MailboxMessages.AsNoTracking().Where(m => m.ThreadId == thread.Id).OrderBy(m => m.Id).ToListAsync();
        return new MailboxThreadView(thread.Status == MailboxThreads.Answered ? MailboxThreads.Answered : MailboxThreads.Waiting,
            messages.Select(m => new MailboxMessageView(m.From, m.From == MailboxThreads.FromExpert ? m.DisplayName : null, secrets.Unprotect(m.Cipher), m.SentAt)).ToList(),
            await AnswerExpectedAsync(db, thread.Project, now));
    }

    /// <summary>The 80th percentile of the last 30 days' answer times in whole hours; null under 10 answers.</summary>
    public static async Task<int?> AnswerExpectedAsync(RecordsDbContext db, string project, DateTimeOffset now)
    {
        var since = now - TimeSpan.FromDays(30);
        var hours = await db.MailboxEvents.AsNoTracking()
            .Where(e => e.Project == project && e.Kind == MailboxThreads.Answer && e.At >= since).Select(e => e.Hours).ToListAsync();
        return hours.Count < 10 ? null : (int)Math.Ceiling(Percentile(hours, 0.8));
    }

    /// <summary>Nearest-rank percentile (the smallest value with at least p of all at or below it).</summary>
    public static double Percentile(IReadOnlyCollection<int> values, double p)
    {
        var sorted = values.Order().ToList();
        var rank = Math.Max(1, (int)Math.Ceiling(p * sorted.Count));
        return sorted[rank - 1];
    }

    public static DateTimeOffset Hour(DateTimeOffset t) => ContactForms.ContactDrafts.Hour(t);

    private static string AddressOf(HttpContext http) => http.ClientAddress()?.Hash ?? "unknown";

    private static void TextError(Dictionary<string, string[]> e, string field, string? text, int max)
    {
        var n = text?.Trim().Length ?? 0;
        if (n == 0) e[field] = ["Schrijf eerst iets."];
        else if (text!.Length > max) e[field] = [$"Maximaal {max} tekens."];
    }

    private static string Code(Dictionary<string, string[]> e, string field, string? value, string[] allowed, string fallback)
    {
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        if (allowed.Contains(value)) return value;
        e[field] = [$"Kies een van: {string.Join(", ", allowed)}."];
        return fallback;
    }
}
