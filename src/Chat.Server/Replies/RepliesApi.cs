using Chat.Server.Accounts;
using Chat.Server.ContactForms;
using Chat.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Replies;

public sealed record ReplyRequest(string? Title, string? Text, string? Language);
public sealed record ReplyDto(long Id, string Title, string Text, string Language)
{
    public static ReplyDto From(Reply r) => new(r.Id, r.Title, r.Text, r.Language);
}

public sealed record ReferralRequest(string? Name, string? Kind, string? Phone, string? Url, string? Hours, string? Description);
public sealed record ReferralDto(long Id, string Name, string Kind, string Phone, string Url, string Hours, string Description)
{
    public static ReferralDto From(Referral r) => new(r.Id, r.Name, r.Kind, r.Phone, r.Url, r.Hours, r.Description);
}

/// <summary>
/// Canned replies and referral cards: experts and coordinators read them, the coordinator keeps them (403 for experts).
/// </summary>
public static class RepliesApi
{
    public const int MaxTitle = 60, MaxText = 1000, MaxName = 80, MaxPhone = 20, MaxUrl = 200, MaxHours = 60, MaxDescription = 300;

    public static IServiceCollection AddReplies(this IServiceCollection services)
    {
        services.AddScoped<RepliesSeeder>();
        return services;
    }

    public static IEndpointRouteBuilder MapReplies(this IEndpointRouteBuilder app)
    {
        var replies = app.MapGroup("/api/replies").WithTags("Replies").RequireAuthorization(p => p.RequireRole(Roles.Expert, Roles.Coordinator));
        replies.MapGet("/", async (RecordsDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.Replies.AsNoTracking().OrderBy(r => r.Language).ThenBy(r => r.Title).ThenBy(r => r.Id).ToListAsync(ct))
                .Select(ReplyDto.From).ToList()));
        var writeReplies = replies.MapGroup("/").RequireAuthorization(p => p.RequireRole(Roles.Coordinator));
        writeReplies.MapPost("/", async Task<Results<Created<ReplyDto>, ValidationProblem>> (ReplyRequest? body, RecordsDbContext db) =>
        {
            if (Validate(body) is { Count: > 0 } errors) return TypedResults.ValidationProblem(errors, title: "Het antwoord klopt niet.");
            var r = new Reply();
            Apply(r, body!);
            db.Replies.Add(r);
            await db.SaveChangesAsync();
            return TypedResults.Created($"/api/replies/{r.Id}", ReplyDto.From(r));
        });
        writeReplies.MapPut("/{id:long}", async Task<Results<Ok<ReplyDto>, ValidationProblem, ProblemHttpResult>> (long id, ReplyRequest? body, RecordsDbContext db) =>
        {
            if (await db.Replies.FindAsync(id) is not { } r) return NotFound("Antwoord niet gevonden", "Dit antwoord bestaat niet (meer).");
            if (Validate(body) is { Count: > 0 } errors) return TypedResults.ValidationProblem(errors, title: "Het antwoord klopt niet.");
            Apply(r, body!);
            await db.SaveChangesAsync();
            return TypedResults.Ok(ReplyDto.From(r));
        });
        writeReplies.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, RecordsDbContext db) =>
            await db.Replies.Where(r => r.Id == id).ExecuteDeleteAsync() == 0
                ? NotFound("Antwoord niet gevonden", "Dit antwoord bestaat niet (meer).")
                : TypedResults.NoContent());

        var referrals = app.MapGroup("/api/referrals").WithTags("Referrals").RequireAuthorization(p => p.RequireRole(Roles.Expert, Roles.Coordinator));
        // In the order the coordinator added them: the seeded Veilig Thuis first (the expert's two keystrokes).
        referrals.MapGet("/", async (RecordsDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.Referrals.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct))
                .Select(ReferralDto.From).ToList()));
        var writeReferrals = referrals.MapGroup("/").RequireAuthorization(p => p.RequireRole(Roles.Coordinator));
        writeReferrals.MapPost("/", async Task<Results<Created<ReferralDto>, ValidationProblem>> (ReferralRequest? body, RecordsDbContext db) =>
        {
            if (Validate(body) is { Count: > 0 } errors) return TypedResults.ValidationProblem(errors, title: "De verwijzing klopt niet.");
            var r = new Referral();
            Apply(r, body!);
            db.Referrals.Add(r);
            await db.SaveChangesAsync();
            return TypedResults.Created($"/api/referrals/{r.Id}", ReferralDto.From(r));
        });
        writeReferrals.MapPut("/{id:long}", async Task<Results<Ok<ReferralDto>, ValidationProblem, ProblemHttpResult>> (long id, ReferralRequest? body, RecordsDbContext db) =>
        {
            if (await db.Referrals.FindAsync(id) is not { } r) return NotFound("Verwijzing niet gevonden", "Deze verwijzing bestaat niet (meer).");
            if (Validate(body) is { Count: > 0 } errors) return TypedResults.ValidationProblem(errors, title: "De verwijzing klopt niet.");
            Apply(r, body!);
            await db.SaveChangesAsync();
            return TypedResults.Ok(ReferralDto.From(r));
        });
        writeReferrals.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, RecordsDbContext db) =>
            await db.Referrals.Where(r => r.Id == id).ExecuteDeleteAsync() == 0
                ? NotFound("Verwijzing niet gevonden", "Deze verwijzing bestaat niet (meer).")
                : TypedResults.NoContent());
        return app;
    }

    private static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    private static readonly string[] Languages = ["nl", "en"];

    public static Dictionary<string, string[]> Validate(ReplyRequest? r)
    {
        var e = new Dictionary<string, string[]>();
        if (r is null) return new() { [""] = ["Het antwoord is leeg."] };
        Length(e, "title", r.Title, 1, MaxTitle);
        Length(e, "text", r.Text, 1, MaxText);
        if (r.Language is not null && !Languages.Contains(r.Language)) e["language"] = ["Kies nl of en."];
        return e;
    }

    public static Dictionary<string, string[]> Validate(ReferralRequest? r)
    {
        var e = new Dictionary<string, string[]>();
        if (r is null) return new() { [""] = ["De verwijzing is leeg."] };
        Length(e, "name", r.Name, 1, MaxName);
        if (string.IsNullOrEmpty(r.Kind)) e["kind"] = ["Kies een soort hulp."];
        else if (!ContactCodes.ProfessionalHelp.Has(r.Kind))
            e["kind"] = [$"Onbekende soort hulp. Toegestaan: {string.Join(", ", ContactCodes.ProfessionalHelp.Codes.Select(c => c.Key))}."];
        var phone = r.Phone?.Trim() ?? "";
        if (phone.Length > MaxPhone) e["phone"] = [$"Maximaal {MaxPhone} tekens."];
        else if (phone.Length > 0 && (!phone.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '-') || !phone.Any(char.IsAsciiDigit)))
            e["phone"] = ["Alleen cijfers, spaties, + en -."];
        var url = r.Url?.Trim() ?? "";
        if (url.Length > MaxUrl) e["url"] = [$"Maximaal {MaxUrl} tekens."];
        else if (url.Length > 0 && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps
                                     && string.IsNullOrEmpty(u.UserInfo) && u.Host.Length > 0))
            e["url"] = ["Een volledig adres dat met https:// begint."];
        if (phone.Length == 0 && url.Length == 0) e["phone"] = ["Vul een telefoonnummer of een https-adres in."];
        Length(e, "hours", r.Hours, 0, MaxHours);
        Length(e, "description", r.Description, 0, MaxDescription);
        return e;
    }

    private static void Length(Dictionary<string, string[]> e, string field, string? value, int min, int max)
    {
        var n = value?.Trim().Length ?? 0;
        if (n < min) e[field] = ["Vul dit in."];
        else if (n > max) e[field] = [$"Maximaal {max} tekens."];
    }

    private static void Apply(Reply r, ReplyRequest b) =>
        (r.Title, r.Text, r.Language) = (b.Title!.Trim(), b.Text!.Trim(), b.Language ?? "nl");

    private static void Apply(Referral r, ReferralRequest b) =>
        (r.Name, r.Kind, r.Phone, r.Url, r.Hours, r.Description) =
        (b.Name!.Trim(), b.Kind!, b.Phone?.Trim() ?? "", b.Url?.Trim() ?? "", b.Hours?.Trim() ?? "", b.Description?.Trim() ?? "");
}
