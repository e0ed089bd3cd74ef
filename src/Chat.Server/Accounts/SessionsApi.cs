using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Chat.Server.Accounts;

/// <summary>
/// "Waar ben je ingelogd": the signed-in account's own sessions, each ended on its own or all but this one. The id is a
/// random handle, never the session key (request logs write paths); times to the hour; the client as browser and system.
/// </summary>
public static class SessionsApi
{
    public sealed record SessionView(string Id, bool Current, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, string Client);

    public static RouteGroupBuilder MapSessions(this RouteGroupBuilder auth)
    {
        var group = auth.MapGroup("/sessions").RequireAuthorization();

        group.MapGet("", async Task<Results<Ok<SessionView[]>, UnauthorizedHttpResult>> (
            ClaimsPrincipal principal, ServerSessions sessions, IOptions<IdentityOptions> identity) =>
        {
            if (UserIdOf(principal, identity) is not { } userId) return TypedResults.Unauthorized();
            var current = principal.FindFirstValue(ServerSessions.HandleClaim);
            var list = await sessions.ListAsync(userId, principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType));
            return TypedResults.Ok(list
                .Select(s => new SessionView(s.Handle, s.Handle == current, ServerSessions.ToHour(s.CreatedAt), ServerSessions.ToHour(s.LastSeenAt), s.Client))
                .OrderByDescending(s => s.Current).ToArray());
        });

        // Own sessions only: another account's handle (or a made-up one) is 404, as a session that ended already.
        group.MapDelete("/{id}", async Task<Results<NoContent, NotFound, UnauthorizedHttpResult>> (
            string id, ClaimsPrincipal principal, ServerSessions sessions, IOptions<IdentityOptions> identity) =>
        {
            if (UserIdOf(principal, identity) is not { } userId) return TypedResults.Unauthorized();
            return await sessions.EndAsync(userId, id) ? TypedResults.NoContent() : TypedResults.NotFound();
        });

        // A body-less POST that changes state: only as JSON (as the console sends it), never as a plain form post.
        group.MapPost("/end-others", async Task<Results<NoContent, UnauthorizedHttpResult, StatusCodeHttpResult>> (
            HttpRequest request, ClaimsPrincipal principal, ServerSessions sessions, IOptions<IdentityOptions> identity) =>
        {
            if (!request.HasJsonContentType()) return TypedResults.StatusCode(StatusCodes.Status415UnsupportedMediaType);
            if (UserIdOf(principal, identity) is not { } userId) return TypedResults.Unauthorized();
            await sessions.EndAllAsync(userId, principal.FindFirstValue(ServerSessions.HandleClaim) ?? "");
            return TypedResults.NoContent();
        });

        return group;
    }

    private static string? UserIdOf(ClaimsPrincipal principal, IOptions<IdentityOptions> identity) =>
        principal.FindFirstValue(identity.Value.ClaimsIdentity.UserIdClaimType);
}
