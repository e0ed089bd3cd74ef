using Microsoft.AspNetCore.Authorization;

namespace Chat.Server.Accounts;

/// <summary>
/// An account whose first password an administrator set (<see cref="ChatUser.MustChangePassword"/>) chooses its own
/// before anything else: console pages redirect to the password page, APIs (other than <c>/api/auth/*</c>, where sign-in,
/// sign-out, who am I and the change itself live) and the expert hub answer 403. Read from the sign-in's claim (no
/// database read per request): the flag is set only when the account is made, and the change refreshes the sign-in.
/// </summary>
public static class PasswordChangeRequirement
{
    public const string ClaimType = "password-change";
    public const string Required = "required";
    public const string Page = "/console/password";

    /// <summary>After UseAuthorization, before the two-factor requirement (the password comes first).</summary>
    public static IApplicationBuilder UsePasswordChangeRequirement(this IApplicationBuilder app) => app.Use((ctx, next) =>
        // Not async for everything else (a hub's WebSocket would keep the state machine for the whole visit).
        !ctx.User.HasClaim(ClaimType, Required) || IsOpen(ctx.Request.Path) || !NeedsSignIn(ctx.GetEndpoint())
            ? next(ctx)
            : RefuseAsync(ctx));

    private static Task RefuseAsync(HttpContext ctx)
    {
        if (!ctx.Request.Path.StartsWithSegments("/api") && !ctx.Request.Path.StartsWithSegments("/hubs"))
        {
            // The page asked for comes back after the change (a console page of this server only).
            string? asked = ctx.Request.Path.StartsWithSegments("/console") ? ctx.Request.Path.Value + ctx.Request.QueryString.Value : null;
            ctx.Response.Redirect(asked is null ? Page : $"{Page}?returnUrl={Uri.EscapeDataString(asked)}");
            return Task.CompletedTask;
        }
        return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Kies eerst een eigen wachtwoord",
            detail: $"Je eerste wachtwoord is door een beheerder gekozen. Kies een eigen wachtwoord op {Page}.",
            extensions: new Dictionary<string, object?> { ["passwordChangeRequired"] = true }).ExecuteAsync(ctx);
    }

    public static bool IsOpen(PathString path) => path.StartsWithSegments("/api/auth") || path.StartsWithSegments(Page);

    /// <summary>What only a signed-in account may use (the console, its APIs, the expert hub); shared by the account gates. The
    /// public widget, its status and the visitor hub stay open (a coordinator may try the chat in the same browser).</summary>
    internal static bool NeedsSignIn(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<IAuthorizeData>() is not null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null;
}
