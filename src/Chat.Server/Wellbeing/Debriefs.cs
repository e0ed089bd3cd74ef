using Chat.Server.Accounts;
using Chat.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Wellbeing;

/// <summary>
/// "Dit gesprek was zwaar": an expert asks to talk a conversation through; the coordinator sees who and when (to the
/// hour), never what. One open request per expert (asking again while one is open returns it).
/// </summary>
public sealed class Debriefs(IServiceScopeFactory scopes, TimeProvider time)
{
    public sealed record DebriefDto(long Id, string DisplayName, DateTimeOffset RequestedAt);

    /// <param name="project">The expert's project whose coordinators see the request (their first).</param>
    public async Task<Conversations.DebriefResult> RequestAsync(string expertId, string project = Storage.Projects.Default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        var open = await db.DebriefRequests.Where(d => d.ExpertId == expertId).OrderBy(d => d.Id).FirstOrDefaultAsync();
        if (open is null)
        {
            var now = time.GetUtcNow();
            open = new DebriefRequest
            {
                ExpertId = expertId, RequestedAt = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero), Project = project,
            };
            db.DebriefRequests.Add(open);
            await db.SaveChangesAsync();
        }
        return new Conversations.DebriefResult(open.Id, open.RequestedAt);
    }

    public static async Task<List<DebriefDto>> OpenAsync(RecordsDbContext db, CancellationToken ct = default)
    {
        var rows = await db.DebriefRequests.AsNoTracking().OrderBy(d => d.RequestedAt).ThenBy(d => d.Id).ToListAsync(ct);
        var ids = rows.Select(r => r.ExpertId).Distinct().ToList();
        var names = await db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return rows.Select(r => new DebriefDto(r.Id, names.GetValueOrDefault(r.ExpertId) ?? "?", r.RequestedAt)).ToList();
    }
}

public static class WellbeingApi
{
    public static IServiceCollection AddWellbeing(this IServiceCollection services)
    {
        services.AddSingleton<Debriefs>();
        services.AddSingleton<Feedback>();
        return services;
    }

    public static IEndpointRouteBuilder MapWellbeing(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/debriefs").WithTags("Wellbeing").RequireAuthorization(p => p.RequireRole(Roles.Coordinator));

        group.MapGet("/", async (RecordsDbContext db, CancellationToken ct) => TypedResults.Ok(await Debriefs.OpenAsync(db, ct)));

        // Marked done: the request is deleted (nothing is kept about who needed a debrief, or how often).
        group.MapDelete("/{id:long}", async Task<Results<NoContent, ProblemHttpResult>> (long id, RecordsDbContext db) =>
            await db.DebriefRequests.Where(d => d.Id == id).ExecuteDeleteAsync() == 0
                ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Verzoek niet gevonden",
                    detail: "Dit verzoek om na te praten bestaat niet (meer): misschien is het al afgehandeld.")
                : TypedResults.NoContent());
        return app;
    }
}
