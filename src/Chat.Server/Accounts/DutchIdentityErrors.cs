using Microsoft.AspNetCore.Identity;

namespace Chat.Server.Accounts;

/// <summary>Identity's messages in Dutch, the console's language (coordinators read them when creating accounts).</summary>
public sealed class DutchIdentityErrors : IdentityErrorDescriber
{
    public override IdentityError PasswordTooShort(int length) =>
        new() { Code = nameof(PasswordTooShort), Description = $"Het wachtwoord moet minstens {length} tekens lang zijn." };
    public override IdentityError PasswordRequiresDigit() =>
        new() { Code = nameof(PasswordRequiresDigit), Description = "Het wachtwoord moet een cijfer bevatten." };
    public override IdentityError PasswordRequiresLower() =>
        new() { Code = nameof(PasswordRequiresLower), Description = "Het wachtwoord moet een kleine letter bevatten." };
    public override IdentityError PasswordRequiresUpper() =>
        new() { Code = nameof(PasswordRequiresUpper), Description = "Het wachtwoord moet een hoofdletter bevatten." };
    public override IdentityError DuplicateUserName(string userName) =>
        new() { Code = nameof(DuplicateUserName), Description = $"De gebruikersnaam '{userName}' bestaat al." };
    public override IdentityError InvalidUserName(string? userName) =>
        new() { Code = nameof(InvalidUserName), Description = "Deze gebruikersnaam kan niet: gebruik letters en cijfers." };

    // The password policy's own reasons (PasswordPolicy): plain Dutch, with a way out.
    public static IdentityError PasswordIsUserName() =>
        new() { Code = nameof(PasswordIsUserName), Description = "Het wachtwoord mag niet je gebruikersnaam zijn." };

    public static IdentityError PasswordTooCommon() =>
        new() { Code = nameof(PasswordTooCommon), Description = "Dit wachtwoord is te makkelijk te raden. Kies bijvoorbeeld drie of vier losse woorden die niet bij elkaar horen." };

    /// <param name="weaknesses">What made it easy to guess, in plain words ("een jaartal of datum").</param>
    public static IdentityError PasswordTooGuessable(IReadOnlyList<string> weaknesses) => new()
    {
        Code = nameof(PasswordTooGuessable),
        Description = "Dit wachtwoord is te makkelijk te raden" +
                      (weaknesses.Count == 0 ? "." : ": het bestaat vooral uit " + Join(weaknesses) + ".") +
                      " Kies een zin of drie, vier losse woorden die niet bij elkaar horen (spaties en streepjes mogen; hoofdletters en cijfers zijn niet nodig).",
    };

    private static string Join(IReadOnlyList<string> parts) =>
        parts.Count == 1 ? parts[0] : string.Join(", ", parts.Take(parts.Count - 1)) + " en " + parts[^1];
}
