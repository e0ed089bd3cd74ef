using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Chat.Server.Accounts;

public static class AuthApi
{
    public sealed record LoginRequest(string? UserName, string? Password, string? Code);
    /// <param name="PasswordChangeRequired">The first password was set by an administrator: choose your own first.</param>
    public sealed record Me(string Id, string UserName, string DisplayName, string Experience, int MaxChats, string[] Roles,
        bool PasswordChangeRequired = false);
    public sealed record ChangePassword(string? CurrentPassword, string? NewPassword);

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Auth");

        group.MapPost("/login", async Task<Results<Ok<Me>, ProblemHttpResult, ValidationProblem>> (
            LoginRequest? body, SignInManager<ChatUser> signIn, UserManager<ChatUser> users) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(body?.UserName)) errors["userName"] = ["Vul je gebruikersnaam in."];
            if (string.IsNullOrEmpty(body?.Password)) errors["password"] = ["Vul je wachtwoord in."];
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

            var result = await SignInAsync(signIn, users, body!.UserName!, body.Password!, body.Code);
            if (result.CodesLockedFor is { } lockedFor) return TwoFactorApi.TooManyCodes(signIn.Context, lockedFor);
            if (result.TwoFactorRequired)
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Code nodig",
                    detail: "Vul de code uit je authenticator-app in (of een van je herstelcodes).",
                    extensions: new Dictionary<string, object?> { ["twoFactorRequired"] = true });
            if (result.User is null)
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Inloggen mislukt",
                    detail: "Gebruikersnaam of wachtwoord klopt niet.");
            return TypedResults.Ok(await ToMeAsync(users, result.User));
        }).AllowAnonymous().RequireRateLimiting("login");

        group.MapPost("/logout", async (SignInManager<ChatUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.NoContent();
        });

        group.MapGet("/me", async Task<Results<Ok<Me>, UnauthorizedHttpResult>> (ClaimsPrincipal principal, UserManager<ChatUser> users) =>
        {
            var user = await users.GetUserAsync(principal);
            return user is null ? TypedResults.Unauthorized() : TypedResults.Ok(await ToMeAsync(users, user));
        }).RequireAuthorization();

        // Everyone changes their own password here, with the current one; other sessions end, this one goes on.
        group.MapPost("/password", async Task<Results<NoContent, ValidationProblem, UnauthorizedHttpResult>> (
            ChangePassword? body, ClaimsPrincipal principal, UserManager<ChatUser> users, SignInManager<ChatUser> signIn,
            AccountSessions sessions) =>
        {
            var user = await users.GetUserAsync(principal);
            if (user is null) return TypedResults.Unauthorized();
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrEmpty(body?.CurrentPassword)) errors["currentPassword"] = ["Vul je huidige wachtwoord in."];
            if (string.IsNullOrEmpty(body?.NewPassword)) errors["newPassword"] = ["Vul een nieuw wachtwoord in."];
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            if (!await users.CheckPasswordAsync(user, body!.CurrentPassword!))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["currentPassword"] = ["Je huidige wachtwoord klopt niet."] });
            // The first password came from an administrator, who knows it: keeping it is no change.
            if (user.MustChangePassword && body.NewPassword == body.CurrentPassword)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["newPassword"] = ["Kies een ander wachtwoord dan het eerste: wie je account maakte, kent dat."] });
            // Cleared in the same save as the new password (ChangePasswordAsync updates the user once).
            var wasRequired = user.MustChangePassword;
            user.MustChangePassword = false;
            var r = await users.ChangePasswordAsync(user, body.CurrentPassword!, body.NewPassword!);
            if (!r.Succeeded)
            {
                user.MustChangePassword = wasRequired;
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["newPassword"] = r.Errors.Select(e => e.Description).ToArray() });
            }
            await sessions.EndAsync(user, takeOffShift: false, keepSession: principal.FindFirstValue(ServerSessions.HandleClaim));
            await signIn.RefreshSignInAsync(user); // this browser stays signed in (the same session), with the new stamp
            return TypedResults.NoContent();
        }).RequireAuthorization().RequireRateLimiting("login");

        group.MapSessions();
        return app;
    }

    /// <param name="User">Signed in (null when not).</param>
    /// <param name="TwoFactorRequired">The password was right, but the account needs a valid code as well.</param>
    /// <param name="CodesLockedFor">The password was right, but the account's code checks are locked (too many wrong codes).</param>
    public sealed record SignInOutcome(ChatUser? User, bool TwoFactorRequired, TimeSpan? CodesLockedFor = null);

    // A password hash to check when the user name is unknown: every failure costs the same, so the answer's timing does
    // not tell which user names exist.
    private static readonly Lazy<string> DummyHash = new(() => new PasswordHasher<ChatUser>().HashPassword(new ChatUser(), Guid.NewGuid().ToString()));

    /// <summary>
    /// Shared by the JSON endpoint and the console's login page. No lockout: failed attempts would let a stranger lock
    /// the owner out; guessing is stopped by the per-address sign-in limit instead. Unknown name, wrong password and a
    /// disabled account answer alike, after the same work.
    /// </summary>
    /// <param name="rememberForCode">With two-factor on and no code: remember the user for <see cref="CompleteWithCodeAsync"/>.</param>
    public static async Task<SignInOutcome> SignInAsync(SignInManager<ChatUser> signIn, UserManager<ChatUser> users, string userName,
        string password, string? code = null, bool rememberForCode = false)
    {
        var user = await users.FindByNameAsync(userName.Trim());
        if (user is null)
        {
            users.PasswordHasher.VerifyHashedPassword(new ChatUser(), DummyHash.Value, password);
            return new(null, false);
        }
        if (!await users.CheckPasswordAsync(user, password) || user.Disabled) return new(null, false);
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            if (string.IsNullOrWhiteSpace(code))
            {
                // The console's second step: the server remembers who gave the right password (Identity's short-lived
                // two-factor cookie), so the page never carries the password back.
                if (rememberForCode) await signIn.Context.SignInAsync(IdentityConstants.TwoFactorUserIdScheme, await TwoFactorUserAsync(users, user));
                return new(null, true);
            }
            var check = await TwoFactorApi.CheckSignInCodeAsync(Codes(signIn), user, code);
            if (!check.Accepted) return new(null, true, check.LockedFor);
        }
        await signIn.SignInAsync(user, isPersistent: false);
        return new(user, false);
    }

    /// <summary>
    /// The console's second step: the code for the user who gave the right password a moment ago. That half-finished
    /// sign-in ends when the account's security stamp changed since (a new password, roles, disabled, two-factor switched).
    /// </summary>
    public static async Task<SignInOutcome> CompleteWithCodeAsync(SignInManager<ChatUser> signIn, UserManager<ChatUser> users, string code)
    {
        var pending = (await signIn.Context.AuthenticateAsync(IdentityConstants.TwoFactorUserIdScheme)).Principal;
        var id = pending?.FindFirstValue(ClaimTypes.Name);
        var stamp = pending?.FindFirstValue(users.Options.ClaimsIdentity.SecurityStampClaimType);
        var user = id is null ? null : await users.FindByIdAsync(id);
        if (user is null || user.Disabled || stamp is null || stamp != await users.GetSecurityStampAsync(user))
        {
            if (pending is not null) await signIn.Context.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
            return new(null, false);
        }
        var check = await TwoFactorApi.CheckSignInCodeAsync(Codes(signIn), user, code);
        if (!check.Accepted) return new(null, true, check.LockedFor);
        await signIn.Context.SignOutAsync(IdentityConstants.TwoFactorUserIdScheme);
        await signIn.SignInAsync(user, isPersistent: false);
        return new(user, false);
    }

    private static SecondFactor Codes(SignInManager<ChatUser> signIn) => signIn.Context.RequestServices.GetRequiredService<SecondFactor>();

    // As Identity's SignInManager stores it (the user id as the name claim of the two-factor scheme), with the account's
    // security stamp of this moment: a change of password or stamp ends the half-finished sign-in.
    private static async Task<ClaimsPrincipal> TwoFactorUserAsync(UserManager<ChatUser> users, ChatUser user) =>
        new(new ClaimsIdentity([
            new Claim(ClaimTypes.Name, user.Id),
            new Claim(users.Options.ClaimsIdentity.SecurityStampClaimType, await users.GetSecurityStampAsync(user)),
        ], IdentityConstants.TwoFactorUserIdScheme));

    private static async Task<Me> ToMeAsync(UserManager<ChatUser> users, ChatUser u) =>
        new(u.Id, u.UserName ?? "", u.DisplayName, u.Experience, u.MaxChats, [.. await users.GetRolesAsync(u)], u.MustChangePassword);
}
