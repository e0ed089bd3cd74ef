namespace Chat.ExpertConsole;

/// <summary>What the console's pages need from the accounts feature; implemented by the server.</summary>
public interface IConsoleAccounts
{
    /// <summary>Password sign-in, with the authenticator code when the account has two-factor on.</summary>
    Task<ConsoleSignInResult> SignInAsync(string userName, string password, string? code);

    /// <summary>The second step: the code for the account whose password was given a moment ago (remembered by the server).</summary>
    Task<ConsoleSignInResult> CompleteWithCodeAsync(string code);
    Task SignOutAsync();
}

/// <summary><see cref="ConsoleSignIn.CodesLocked"/>: the password was right, but too many wrong codes lock the account's code checks.</summary>
public enum ConsoleSignIn { Succeeded, Failed, TwoFactorRequired, CodesLocked }

/// <param name="RetryAfter">With <see cref="ConsoleSignIn.CodesLocked"/>: how long the lock lasts.</param>
public readonly record struct ConsoleSignInResult(ConsoleSignIn Outcome, TimeSpan? RetryAfter = null);
