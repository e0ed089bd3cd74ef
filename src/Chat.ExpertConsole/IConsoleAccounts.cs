namespace Chat.ExpertConsole;

/// <summary>What the console's pages need from the accounts feature; implemented by the server.</summary>
public interface IConsoleAccounts
{
    /// <summary>Password sign-in, with the authenticator code when the account has two-factor on.</summary>
    Task<ConsoleSignIn> SignInAsync(string userName, string password, string? code);

    /// <summary>The second step: the code for the account whose password was given a moment ago (remembered by the server).</summary>
    Task<ConsoleSignIn> CompleteWithCodeAsync(string code);
    Task SignOutAsync();
}

public enum ConsoleSignIn { Succeeded, Failed, TwoFactorRequired }
