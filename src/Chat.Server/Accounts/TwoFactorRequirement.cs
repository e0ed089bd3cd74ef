using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Chat.Server.Accounts;

public sealed class TwoFactorOptions
{
    public const string Section = "Security";

    /// <summary>
    /// A coordinator (who sees every account, block and figure) must set up two-factor sign-in before anything else.
    /// Defaults to true outside Development.
    /// </summary>
    public bool RequireTwoFactorForCoordinators { get; set; }
}

/// <summary>
/// Sends a signed-in coordinator without two-factor to set it up first: console pages redirect to the set-up page,
/// APIs (other than <c>/api/auth/*</c>, where sign-in and the set-up itself live) and hubs answer 403.
/// </summary>
public static class TwoFactorRequirement
{
    public const string SetupPage = "/console/two-factor";

    public static IServiceCollection AddTwoFactor(this IServiceCollection services, IHostEnvironment env)
    {
        services.AddOptions<TwoFactorOptions>()
            .Configure(o => o.RequireTwoFactorForCoordinators = !env.IsDevelopment()) // the default; configuration overrides it
            .BindConfiguration(TwoFactorOptions.Section);
        return services;
    }

    /// <summary>After UseAuthorization: the user is known and endpoints have already refused strangers.</summary>
    public static IApplicationBuilder UseTwoFactorRequirement(this IApplicationBuilder app) => app.Use((ctx, next) =>
    {
        var options = ctx.RequestServices.GetRequiredService<IOptions<TwoFactorOptions>>().Value;
        // Not async for everything else (a hub's WebSocket would keep the state machine for the whole visit).
        return !AppliesTo(ctx.User, options) || IsOpen(ctx.Request.Path) || !PasswordChangeRequirement.NeedsSignIn(ctx.GetEndpoint())
            ? next(ctx)
            : RequireAsync(ctx, next);
    });

    private static async Task RequireAsync(HttpContext ctx, RequestDelegate next)
    {
        // Read from the records on each guarded request (not a claim in the cookie), so switching it on or off counts at once.
        var users = ctx.RequestServices.GetRequiredService<UserManager<ChatUser>>();
        var user = await users.GetUserAsync(ctx.User);
        if (user is null || user.TwoFactorEnabled)
        {
            await next(ctx);
            return;
        }
        if (!ctx.Request.Path.StartsWithSegments("/api") && !ctx.Request.Path.StartsWithSegments("/hubs"))
        {
            ctx.Response.Redirect(SetupPage);
            return;
        }
        await TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
            title: "Tweestapsverificatie vereist",
            detail: $"Als coördinator moet je eerst tweestapsverificatie instellen, op {SetupPage}.").ExecuteAsync(ctx);
    }

    public static bool AppliesTo(ClaimsPrincipal user, TwoFactorOptions options) =>
        options.RequireTwoFactorForCoordinators && user.Identity?.IsAuthenticated == true && (user.IsInRole(Roles.Coordinator) || user.IsInRole(Roles.Administrator));

    // Sign-in, sign-out, who am I and the two-factor set-up itself, and the set-up page; the password page too (a first
    // password set by an administrator is changed before the set-up).
    private static bool IsOpen(PathString path) => path.StartsWithSegments("/api/auth") || path.StartsWithSegments(SetupPage)
        || PasswordChangeRequirement.IsOpen(path);
}
