using Chat.ExpertConsole;
using Microsoft.AspNetCore.Identity;

namespace Chat.Server.Accounts;

/// <summary>The console pages' view of sign-in, on ASP.NET Core Identity.</summary>
public sealed class ConsoleAccounts(SignInManager<ChatUser> signIn, UserManager<ChatUser> users) : IConsoleAccounts
{
    public async Task<ConsoleSignInResult> SignInAsync(string userName, string password, string? code) =>
        Of(await AuthApi.SignInAsync(signIn, users, userName, password, code, rememberForCode: true));

    public async Task<ConsoleSignInResult> CompleteWithCodeAsync(string code) => Of(await AuthApi.CompleteWithCodeAsync(signIn, users, code));

    private static ConsoleSignInResult Of(AuthApi.SignInOutcome r) =>
        r.User is not null ? new(ConsoleSignIn.Succeeded)
        : r.CodesLockedFor is { } lockedFor ? new(ConsoleSignIn.CodesLocked, lockedFor)
        : new(r.TwoFactorRequired ? ConsoleSignIn.TwoFactorRequired : ConsoleSignIn.Failed);

    public Task SignOutAsync() => signIn.SignOutAsync();
}
