using System.Security.Claims;

namespace Chat.Server.Tenancy;

/// <summary>
/// The projects the current caller may read and change: the one place every records query is scoped (the records
/// context's query filter on every <see cref="IProjectRecord"/>, and its check on every save). A signed-in user's request
/// is restricted to their projects (<see cref="ProjectScopeMiddleware"/>, from the sign-in's <c>project</c> claims); work
/// of the system itself (sweeps, counters, start-up, the anonymous widget's own calls, which name their project) sees every
/// project.
/// </summary>
public sealed class ProjectScope
{
    public const string ClaimType = "project";

    private List<string>? _projects;

    /// <summary>No restriction: the system's own work.</summary>
    public bool All => _projects is null;

    /// <summary>The caller's projects (empty when <see cref="All"/>).</summary>
    public IReadOnlyList<string> Projects => _projects ?? [];

    public void Restrict(IEnumerable<string> projects) => _projects = projects.Distinct(StringComparer.Ordinal).ToList();

    public bool Includes(string project) => _projects is null || _projects.Contains(project, StringComparer.Ordinal);

    public bool IncludesAny(IEnumerable<string> projects) => _projects is null || projects.Any(Includes);

    /// <summary>Where a new record goes when the caller names none: their first project.</summary>
    public string DefaultProject => _projects is { Count: > 0 } p ? p[0] : Storage.Projects.Default;

    public static IReadOnlyList<string> Of(ClaimsPrincipal user) =>
        user.FindAll(ClaimType).Select(c => c.Value).ToList();
}

/// <summary>A record of another project was about to be written: a bug, never something a caller can ask for.</summary>
public sealed class ProjectScopeException(string project)
    : InvalidOperationException($"A record of project '{project}' is outside the caller's projects.");

/// <summary>
/// Restricts a signed-in user's request to their projects (after authentication). The reports (statistics, contact forms)
/// take <c>?project=</c> to narrow it to one of them: a coordinator of several projects reads each one's figures and CSV;
/// a project that is not theirs is 404, as if it did not exist.
/// </summary>
public sealed class ProjectScopeMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http, ProjectScope scope)
    {
        // The visitors' endpoints (anonymous: status, widget texts, mailbox by code, the quick exit's beacon) name their
        // project themselves: a console's cookie in the same browser (an expert trying the widget) changes nothing there.
        if (http.User.Identity?.IsAuthenticated != true
            || http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null) return next(http);
        var mine = ProjectScope.Of(http.User);
        var path = http.Request.Path;
        if ((path.StartsWithSegments("/api/statistics") || path.StartsWithSegments("/api/contacts"))
            && http.Request.Query["project"].ToString() is { Length: > 0 } one)
        {
            if (!mine.Contains(one, StringComparer.Ordinal))
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Onbekend project",
                    detail: "Dit project bestaat niet of is niet van jou.").ExecuteAsync(http);
            scope.Restrict([one]);
        }
        else
        {
            scope.Restrict(mine);
        }
        return next(http);
    }
}

/// <summary>Before every save of the records: <see cref="Storage.RecordsDbContext.StampProjects"/> (first of the save interceptors).</summary>
public sealed class ProjectStamp : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
{
    public override Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> SavingChanges(
        Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result)
    {
        (eventData.Context as Storage.RecordsDbContext)?.StampProjects();
        return result;
    }

    public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> SavingChangesAsync(
        Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        (eventData.Context as Storage.RecordsDbContext)?.StampProjects();
        return ValueTask.FromResult(result);
    }
}
