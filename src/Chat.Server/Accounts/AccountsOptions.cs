namespace Chat.Server.Accounts;

public sealed class AccountsOptions
{
    public const string Section = "Accounts";

    /// <summary>The first coordinator, created at start when no coordinator exists (required in Production).</summary>
    public InitialAccount? InitialCoordinator { get; set; }

    /// <summary>Create and print the demo accounts. Defaults to true in Development only; never in Production.</summary>
    public bool? DemoAccounts { get; set; }

    public sealed class InitialAccount
    {
        public string? UserName { get; set; }
        public string? Password { get; set; }
        public string? DisplayName { get; set; }
    }
}
