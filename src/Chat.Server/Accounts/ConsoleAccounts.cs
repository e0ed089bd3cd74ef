using Chat.ExpertConsole;
using Microsoft.AspNetCore.Identity;

namespace Chat.Server.Accounts;

/// <summary>The console pages' view of sign-in, on ASP.NET Core Identity.</summary>
public sealed class ConsoleAccounts(SignInManager<ChatUser> signIn, UserManager<ChatUser> users) : IConsoleAccounts
{
    public async Task<ConsoleSignIn> SignInAsync(string userName, string password, string? code)
    {
        var r = await AuthApi.SignInAsync(signIn, users, userName, password, code);
        return r.User is not null ? ConsoleSignIn.Succeeded : r.TwoFactorRequired ? ConsoleSignIn.TwoFactorRequired : ConsoleSignIn.Failed;
    }

    public Task SignOutAsync() => signIn.SignOutAsync();
}
