using Chat.Server.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Server.Abuse;

/// <summary>The coordinator sees the blocks experts made (never an address or its hash) and can lift one.</summary>
public static class BlocksApi
{
    public sealed record BlockDto(string Id, DateTimeOffset CreatedAt, DateTimeOffset Until, string Reason, string BlockedBy);

    public static IEndpointRouteBuilder MapBlocks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/blocks").WithTags("Blocks").RequireAuthorization(p => p.RequireRole(Roles.Coordinator));

        // A coordinator sees and lifts the blocks of their own projects.
        group.MapGet("/", async (IAbuseStore store, TimeProvider time, Tenancy.ProjectScope scope) =>
            TypedResults.Ok((await store.BlocksAsync(time.GetUtcNow())).Where(b => scope.Includes(b.Project))
                .Select(b => new BlockDto(b.Id, b.CreatedAt, b.Until, b.Reason, b.BlockedBy)).ToList()));

        group.MapDelete("/{id}", async Task<Results<NoContent, ProblemHttpResult>> (string id, IAbuseStore store, ILoggerFactory logs,
            Tenancy.ProjectScope scope, TimeProvider time) =>
        {
            if (id.Length > 64 || !(await store.BlocksAsync(time.GetUtcNow())).Any(b => b.Id == id && scope.Includes(b.Project))
                || !await store.RemoveBlockAsync(id))
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Blokkade niet gevonden",
                    detail: "Deze blokkade bestaat niet (meer): misschien is ze al opgeheven of verlopen.");
            logs.CreateLogger(typeof(BlocksApi).FullName!).LogInformation("Block {BlockId} lifted", id);
            return TypedResults.NoContent();
        });
        return app;
    }
}
