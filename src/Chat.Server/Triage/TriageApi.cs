using Chat.Server.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Server.Triage;

/// <param name="Language">A language of <see cref="UrgentWords.Languages"/>.</param>
/// <param name="Words">The whole list (one word or short phrase each), or null with <paramref name="Reset"/>.</param>
/// <param name="Reset">Back to the default list of the language.</param>
public sealed record TriageWordsRequest(string? Language, IReadOnlyList<string>? Words, bool? Reset = null);

/// <param name="Changed">Whether the coordinator changed the list (else the default holds), and when.</param>
public sealed record TriageWordsLanguage(string Language, IReadOnlyList<string> Words, bool Changed, DateTimeOffset? ChangedAt, int DefaultCount);
public sealed record TriageWordsDto(IReadOnlyList<TriageWordsLanguage> Languages);

/// <summary>
/// The coordinator's urgent words (<c>GET</c>/<c>PUT /api/triage/words</c>). The lists hold no visitor data; nothing
/// a visitor wrote, and no match, is ever logged or counted.
/// </summary>
public static class TriageApi
{
    public const int MaxWords = 500, MinLength = 2, MaxLength = 60;

    public static IServiceCollection AddTriage(this IServiceCollection services)
    {
        services.AddSingleton<UrgentWords>();
        return services;
    }

    public static IEndpointRouteBuilder MapTriage(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/triage").WithTags("Triage").RequireAuthorization(p => p.RequireRole(Roles.Coordinator));
        // ?project= for a coordinator of several projects (default: their first); another project's lists: 404.
        group.MapGet("/words", async Task<Results<Ok<TriageWordsDto>, NotFound>> (string? project, UrgentWords words, Tenancy.ProjectScope scope, CancellationToken ct) =>
            ProjectOf(project, scope) is { } p ? TypedResults.Ok(await DtoAsync(words, p, ct)) : TypedResults.NotFound());
        group.MapPut("/words", async Task<Results<Ok<TriageWordsDto>, ValidationProblem, NotFound>> (string? project, TriageWordsRequest? body, UrgentWords words,
            Tenancy.ProjectScope scope, CancellationToken ct) =>
        {
            if (ProjectOf(project, scope) is not { } p) return TypedResults.NotFound();
            if (Validate(body, out var cleaned) is { Count: > 0 } errors)
                return TypedResults.ValidationProblem(errors, title: "De lijst met signaalwoorden klopt niet.");
            await words.SaveAsync(p, body!.Language!, body.Reset == true ? null : cleaned, ct);
            return TypedResults.Ok(await DtoAsync(words, p, ct));
        });
        return app;
    }

    private static string? ProjectOf(string? asked, Tenancy.ProjectScope scope) =>
        string.IsNullOrEmpty(asked) ? (scope.Projects.Count > 0 ? scope.DefaultProject : null) : scope.Projects.Contains(asked) ? asked : null;

    private static async Task<TriageWordsDto> DtoAsync(UrgentWords words, string project, CancellationToken ct) =>
        new((await words.ListsAsync(project, ct)).Select(l => new TriageWordsLanguage(l.Language, l.Words, l.ChangedAt is not null, l.ChangedAt,
            words.Defaults(l.Language).Count)).ToList());

    private static string Shown(string w)
    {
        var oneLine = new string(w.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return oneLine.Length > 30 ? oneLine[..30] + "…" : oneLine;
    }

    /// <summary>Clear Dutch errors; the cleaned list (trimmed, empty lines and repeats left out, in the given order).</summary>
    public static Dictionary<string, string[]> Validate(TriageWordsRequest? body, out List<string> cleaned)
    {
        cleaned = [];
        var errors = new Dictionary<string, string[]>();
        if (body is null) { errors["body"] = ["Stuur de taal en de woorden mee."]; return errors; }
        if (body.Language is null || !UrgentWords.Languages.Contains(body.Language))
            errors["language"] = [$"Kies een taal: {string.Join(" of ", UrgentWords.Languages)}."];
        if (body.Reset == true)
        {
            if (body.Words is not null) errors["words"] = ["Stuur geen woorden mee als je de lijst terugzet."];
            return errors;
        }
        if (body.Words is null) { errors["words"] = ["Stuur de woorden mee, of reset: true om de standaardlijst terug te zetten."]; return errors; }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var bad = new List<string>();
        foreach (var raw in body.Words)
        {
            var w = (raw ?? "").Trim();
            if (w.Length == 0) continue;
            var normal = UrgentWordList.Normalize(w);
            // One line each: a line break inside an entry would become words of its own (past every check here), and a
            // line starting with # is a note in the stored list.
            if (w.Length > MaxLength || normal.Length < MinLength || w.Any(char.IsControl) || w.StartsWith('#'))
            {
                bad.Add(Shown(w));
                continue;
            }
            if (seen.Add(normal)) cleaned.Add(w);
        }
        if (bad.Count > 0)
            errors["words"] = [$"Elk woord of elke zin staat op één regel, heeft {MinLength} tot {MaxLength} tekens met letters of cijfers, " +
                               $"en begint niet met #. Niet goed: {string.Join(", ", bad.Take(5))}."];
        else if (cleaned.Count == 0)
            errors["words"] = ["Een lege lijst zet de signaalwoorden uit. Laat minstens één woord staan, of zet de standaardlijst terug."];
        else if (cleaned.Count > MaxWords)
            errors["words"] = [$"Hoogstens {MaxWords} woorden of zinnen."];
        return errors;
    }
}
