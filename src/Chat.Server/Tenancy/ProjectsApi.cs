using System.Text.RegularExpressions;
using Chat.Server.Accounts;
using Chat.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Tenancy;

/// <summary>
/// <c>/api/projects</c>: the administrator keeps the installation's projects (GET, POST, PUT); a coordinator reads their own
/// (GET). The projects' records are not here: those are each project's own (accounts, forms, statistics, ...).
/// </summary>
public static partial class ProjectsApi
{
    public sealed record ProjectDto(string Slug, string Name, string? OrganisationName, string? QuickExitUrl, string? OpeningHoursText,
        string? Alternatives, IReadOnlyList<string> EmbedOrigins, IReadOnlyList<string> Partners, int OverflowAfter);

    /// <param name="OverflowAfter">Seconds of waiting before a partner project is offered (60 to 3600; default 600).</param>
    public sealed record ProjectRequest(string? Slug, string? Name, string? OrganisationName, string? QuickExitUrl, string? OpeningHoursText,
        string? Alternatives, string[]? EmbedOrigins, string[]? Partners, int? OverflowAfter);

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")]
    private static partial Regex SlugPattern();

    public static IServiceCollection AddProjects(this IServiceCollection services)
    {
        services.AddScoped<ProjectScope>();
        services.AddSingleton<ProjectDirectory>();
        services.AddSingleton<ProjectStamp>();
        services.ConfigureDbContext<RecordsDbContext>((sp, o) => o.AddInterceptors(sp.GetRequiredService<ProjectStamp>()));
        return services;
    }

    public static IApplicationBuilder UseProjectScope(this IApplicationBuilder app) => app.UseMiddleware<ProjectScopeMiddleware>();

    public static IEndpointRouteBuilder MapProjects(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/projects").WithTags("Projects");

        // An administrator sees every project; anyone else signed in the projects they belong to.
        group.MapGet("/", async (RecordsDbContext db, ProjectScope scope, HttpContext http) =>
        {
            var all = await db.Projects.AsNoTracking().OrderBy(p => p.Slug).ToListAsync();
            var admin = http.User.IsInRole(Roles.Administrator);
            return TypedResults.Ok(all.Where(p => admin || scope.Includes(p.Slug)).Select(ToDto).ToList());
        }).RequireAuthorization(p => p.RequireRole(Roles.Expert, Roles.Coordinator, Roles.Administrator));

        var admin = group.MapGroup("").RequireAuthorization(p => p.RequireRole(Roles.Administrator));

        admin.MapPost("/", async Task<Results<Created<ProjectDto>, ValidationProblem, ProblemHttpResult>> (
            ProjectRequest? body, RecordsDbContext db, ProjectDirectory directory, TimeProvider time) =>
        {
            var errors = new Dictionary<string, string[]>();
            var slug = body?.Slug?.Trim() ?? "";
            if (slug.Length is < 2 or > 40 || !SlugPattern().IsMatch(slug))
                errors["slug"] = ["2 tot 40 tekens: kleine letters, cijfers en streepjes (niet aan het begin of eind), zoals west-brabant."];
            Validate(body, errors, creating: true);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            if (await db.Projects.AnyAsync(p => p.Slug == slug))
                return TypedResults.Problem(statusCode: 409, title: "Er is al een project met deze naam in het adres (slug).");
            var project = new Project { Slug = slug, CreatedAt = ProjectDirectory.Hour(time.GetUtcNow()) };
            Apply(project, body!);
            db.Projects.Add(project);
            try
            {
                await db.SaveChangesAsync();
            }
            catch (DbUpdateException)
            {
                // Two administrators made the same slug at once: the other one won.
                return TypedResults.Problem(statusCode: 409, title: "Er is al een project met deze naam in het adres (slug).");
            }
            directory.Changed();
            return TypedResults.Created($"/api/projects/{slug}", ToDto(project));
        });

        admin.MapPut("/{slug}", async Task<Results<Ok<ProjectDto>, NotFound, ValidationProblem>> (
            string slug, ProjectRequest? body, RecordsDbContext db, ProjectDirectory directory) =>
        {
            var project = await db.Projects.FindAsync(slug);
            if (project is null) return TypedResults.NotFound();
            var errors = new Dictionary<string, string[]>();
            if (body?.Slug is { } other && other != slug) errors["slug"] = ["Het adres (slug) van een project verandert niet: het staat in de insluitcode en in elk record."];
            Validate(body, errors, creating: false);
            if (body?.Partners?.Contains(slug) == true) errors["partners"] = ["Een project is niet zijn eigen partner."];
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            Apply(project, body!);
            await db.SaveChangesAsync();
            directory.Changed();
            return TypedResults.Ok(ToDto(project));
        });

        return app;
    }

    private static void Validate(ProjectRequest? body, Dictionary<string, string[]> errors, bool creating)
    {
        if (body is null) { errors["body"] = ["Stuur de gegevens van het project als JSON."]; return; }
        if ((creating || body.Name is not null) && (string.IsNullOrWhiteSpace(body.Name) || body.Name.Trim().Length > 80))
            errors["name"] = ["1 tot 80 tekens."];
        if (body.OrganisationName is { } org && org.Trim().Length > 80) errors["organisationName"] = ["Hoogstens 80 tekens."];
        if (body.QuickExitUrl is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps && url.Length <= 300))
            errors["quickExitUrl"] = ["Een https-adres van een neutrale site, zoals https://www.buienradar.nl/."];
        if (body.OpeningHoursText is { } hours && hours.Trim().Length > 300) errors["openingHoursText"] = ["Hoogstens 300 tekens."];
        if (body.Alternatives is { } alt && alt.Trim().Length > 300) errors["alternatives"] = ["Hoogstens 300 tekens."];
        if (body.EmbedOrigins is { } origins && (origins.Length > 10 || origins.Any(o => !IsOrigin(o))))
            errors["embedOrigins"] = ["Tot 10 herkomsten zoals https://www.project.nl (schema en host, zonder pad)."];
        if (body.Partners is { } partners && (partners.Length > 10 || partners.Any(p => p is null || !SlugPattern().IsMatch(p)) || partners.Distinct().Count() != partners.Length))
            errors["partners"] = ["Tot 10 projecten, elk één keer, met hun adres (slug)."];
        if (body.OverflowAfter is < 60 or > 3600) errors["overflowAfter"] = ["60 tot 3600 seconden."];
    }

    private static bool IsOrigin(string? o) =>
        o is { Length: <= 100 } && Uri.TryCreate(o, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)
        && u.AbsolutePath == "/" && !o.EndsWith('/') && string.IsNullOrEmpty(u.Query) && string.IsNullOrEmpty(u.Fragment);

    private static void Apply(Project p, ProjectRequest b)
    {
        if (b.Name is { } name) p.Name = name.Trim();
        if (b.OrganisationName is { } org) p.OrganisationName = Empty(org);
        if (b.QuickExitUrl is { } url) p.QuickExitUrl = Empty(url);
        if (b.OpeningHoursText is { } hours) p.OpeningHoursText = Empty(hours);
        if (b.Alternatives is { } alt) p.Alternatives = Empty(alt);
        if (b.EmbedOrigins is { } origins) p.EmbedOrigins = string.Join('\n', origins);
        if (b.Partners is { } partners) p.Partners = string.Join(',', partners);
        if (b.OverflowAfter is { } after) p.OverflowAfterSeconds = after;
    }

    private static string? Empty(string s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    public static ProjectDto ToDto(Project p) => new(p.Slug, p.Name, p.OrganisationName, p.QuickExitUrl, p.OpeningHoursText, p.Alternatives,
        p.EmbedOriginList, p.PartnerList, p.OverflowAfterSeconds);
}
