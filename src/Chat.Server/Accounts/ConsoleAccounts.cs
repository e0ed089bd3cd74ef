using Chat.ExpertConsole;
using Microsoft.AspNetCore.Identity;

namespace Chat.Server.Accounts;

/// <summary>The console pages' view of sign-in, on ASP.NET Core Identity.</summary>
public sealed class ConsoleAccounts(SignInManager<ChatUser> signIn, UserManager<ChatUser> users) : IConsoleAccounts
{
    public async Task<(bool Succeeded, bool LockedOut)> SignInAsync(string userName, string password)
    {
        var r = await AuthApi.SignInAsync(signIn, users, userName, password);
        return (r.User is not null, r.LockedOut);
    }

    public Task SignOutAsync() => signIn.SignOutAsync();
}
