using Microsoft.AspNetCore.Identity;

namespace Chat.Server.Accounts;

/// <summary>
/// Beyond Identity's length and character rules (12 characters, upper, lower, digit): not the user name, and not a
/// common password with digits or signs added ("Password1234", "Wachtwoord2026!", "Welkom123456", "Qwertyuiop12").
/// </summary>
public sealed class PasswordPolicy : IPasswordValidator<ChatUser>
{
    // Words people build passwords on (English and Dutch), lower case, letters only. A password whose letters are only
    // one of these (or one repeated) is refused, whatever digits or signs surround it.
    private static readonly HashSet<string> CommonWords =
    [
        "password", "passwort", "wachtwoord", "welkom", "welcome", "qwerty", "qwertyuiop", "asdfgh", "asdfghjkl", "zxcvbn",
        "letmein", "admin", "administrator", "login", "iloveyou", "monkey", "dragon", "master", "sunshine", "princess",
        "football", "voetbal", "ajax", "feyenoord", "psv", "baseball", "superman", "batman", "trustno", "abc", "abcdef",
        "abcdefgh", "secret", "geheim", "changeme", "wijzigen", "veranderen", "test", "testtest", "demo", "chat", "expert",
        "coordinator", "coördinator", "zomer", "winter", "lente", "herfst", "summer", "spring", "autumn", "januari",
        "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december",
        "hallo", "hello", "liefde", "schat", "amsterdam", "rotterdam", "utrecht", "nederland", "holland", "veilig",
        "veiligthuis", "computer", "internet", "whatever", "starwars", "pokemon", "shadow", "michael", "jessica",
    ];

    public Task<IdentityResult> ValidateAsync(UserManager<ChatUser> manager, ChatUser user, string? password)
    {
        var errors = new List<IdentityError>();
        var p = (password ?? "").ToLowerInvariant();
        var name = (user.UserName ?? "").ToLowerInvariant();
        var letters = new string(p.Where(char.IsLetter).ToArray());
        // The user name itself, with or without digits and signs around it ("Sanne2026!" for sanne).
        if (name.Length > 0 && (p == name || letters == new string(name.Where(char.IsLetter).ToArray())))
            errors.Add(new() { Code = "PasswordIsUserName", Description = "Het wachtwoord mag niet je gebruikersnaam zijn." });
        if (letters.Length == 0 || CommonWords.Contains(letters) || CommonWords.Any(w => letters == w + w)
            || letters.Distinct().Count() <= 2)
            errors.Add(new() { Code = "PasswordTooCommon", Description = "Dit wachtwoord is te makkelijk te raden. Kies bijvoorbeeld drie losse woorden met een cijfer." });
        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }
}
