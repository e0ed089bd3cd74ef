namespace Chat.ExpertConsole;

/// <summary>What the console's pages need from the accounts feature; implemented by the server.</summary>
public interface IConsoleAccounts
{
    /// <summary>Password sign-in with lockout. Returns whether it worked and whether the account is locked.</summary>
    Task<(bool Succeeded, bool LockedOut)> SignInAsync(string userName, string password);
    Task SignOutAsync();
}
