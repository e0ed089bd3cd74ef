using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Chat.Server.Accounts;

public static class AuthApi
{
    public sealed record LoginRequest(string? UserName, string? Password);
    public sealed record Me(string Id, string UserName, string DisplayName, string Experience, int MaxChats, string[] Roles);

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

            var result = await SignInAsync(signIn, users, body!.UserName!, body.Password!);
            if (result.User is null)
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized,
                    title: result.LockedOut ? "Account tijdelijk geblokkeerd" : "Inloggen mislukt",
                    detail: result.LockedOut
                        ? "Te veel mislukte pogingen. Probeer het over een kwartier opnieuw."
                        : "Gebruikersnaam of wachtwoord klopt niet.");
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

        return app;
    }

    public sealed record SignInOutcome(ChatUser? User, bool LockedOut);

    /// <summary>Shared by the JSON endpoint and the Razor login page: password check with lockout.</summary>
    public static async Task<SignInOutcome> SignInAsync(SignInManager<ChatUser> signIn, UserManager<ChatUser> users, string userName, string password)
    {
        var user = await users.FindByNameAsync(userName.Trim());
        if (user is null) return new(null, false);
        var r = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        return r.Succeeded ? new(user, false) : new(null, r.IsLockedOut);
    }

    private static async Task<Me> ToMeAsync(UserManager<ChatUser> users, ChatUser u) =>
        new(u.Id, u.UserName ?? "", u.DisplayName, u.Experience, u.MaxChats, [.. await users.GetRolesAsync(u)]);
}
