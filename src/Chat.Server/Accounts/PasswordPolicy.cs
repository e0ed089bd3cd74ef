using Chat.Server.Widget;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Chat.Server.Accounts;

/// <summary>
/// Beyond Identity's length rule (12 characters; no rule on character classes, long passphrases are welcome): not the
/// user name; not a common password with digits or signs added ("Password1234", "Wachtwoord2026!"); and a strength
/// estimate (zxcvbn) of 3 or more, with Dutch words added to its English lists (days, months, seasons, common words,
/// the organisation's name and the user name), so "Maandag12345" or "Zomer2026Zon" count as the guesses they are.
/// </summary>
public sealed class PasswordPolicy(IOptions<WidgetOptions> widget) : IPasswordValidator<ChatUser>
{
    public const int MinimumLength = 12;
    public const int MinimumScore = 3;

    /// <summary>The estimate looks at this many characters (its matching grows fast with the length: 2,000 took 30 s).</summary>
    public const int MaxEstimated = 100;

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

    /// <summary>
    /// Dutch words for the estimator, the most used first (zxcvbn ranks a word by its place in the list). Its own lists
    /// are English: without these, "Welkom2026ab" scored 3.
    /// </summary>
    public static readonly IReadOnlyList<string> DutchWords =
    [
        "wachtwoord", "welkom", "geheim", "hallo", "zomer", "winter", "lente", "herfst", "voorjaar", "najaar",
        "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag", "weekend",
        "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december",
        "liefde", "schat", "schatje", "lief", "geluk", "vrijheid", "wijzigen", "veranderen", "nieuw", "oud", "sterk",
        "veilig", "toegang", "inloggen", "gebruiker", "beheer", "beheerder", "hoi", "doei", "dag", "goedemorgen", "bedankt",
        "zon", "zonnetje", "regen", "sneeuw", "bloem", "bloemen", "boom", "huis", "thuis", "kat", "poes", "hond", "konijn",
        "paard", "vogel", "auto", "fiets", "school", "werk", "familie", "vriend", "vriendin", "moeder", "vader", "mama", "papa",
        "oma", "opa", "kind", "kinderen", "baby", "jongen", "meisje", "koning", "koningin", "prinses", "oranje", "nederland",
        "holland", "amsterdam", "rotterdam", "utrecht", "denhaag", "eindhoven", "groningen", "ajax", "feyenoord", "psv",
        "voetbal", "muziek", "computer", "goed", "mooi", "lekker", "kaas", "appel", "chocolade", "koffie", "bier", "feest",
        "vakantie", "kerst", "kerstmis", "pasen", "verjaardag", "jarig", "chat", "expert", "coordinator", "coördinator", "demo",
        "test", "admin", "samen", "verder", "hulp", "helpen", "ervaring", "ervaringsdeskundige", "anoniem", "anonieme",
    ];

    public Task<IdentityResult> ValidateAsync(UserManager<ChatUser> manager, ChatUser user, string? password)
    {
        var errors = new List<IdentityError>();
        var raw = password ?? "";
        var p = raw.ToLowerInvariant();
        var name = (user.UserName ?? "").ToLowerInvariant();
        var letters = new string(p.Where(char.IsLetter).ToArray());
        // The user name itself, with or without digits and signs around it ("Sanne2026!" for sanne).
        if (name.Length > 0 && (p == name || letters == new string(name.Where(char.IsLetter).ToArray())))
            errors.Add(DutchIdentityErrors.PasswordIsUserName());
        if (letters.Length == 0 || CommonWords.Contains(letters) || CommonWords.Any(w => letters == w + w)
            || letters.Distinct().Count() <= 2)
            errors.Add(DutchIdentityErrors.PasswordTooCommon());
        // Too short is said by Identity's own rule; the estimate is only worth a word on a password of the right length.
        if (errors.Count == 0 && raw.Length >= MinimumLength)
        {
            var result = Zxcvbn.Zxcvbn.MatchPassword(raw.Length > MaxEstimated ? raw[..MaxEstimated] : raw, UserInputs(user));
            if (result.Score < MinimumScore) errors.Add(DutchIdentityErrors.PasswordTooGuessable(Weaknesses(result)));
        }
        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }

    /// <summary>What the estimator should know besides its own lists: Dutch words, the organisation and the person.</summary>
    private IEnumerable<string> UserInputs(ChatUser user)
    {
        var organisation = (widget.Value.OrganisationName ?? "").ToLowerInvariant();
        var parts = organisation.Split([' ', '-', '.', ','], StringSplitOptions.RemoveEmptyEntries);
        string[] own = [(user.UserName ?? "").ToLowerInvariant(), (user.DisplayName ?? "").ToLowerInvariant(), organisation.Replace(" ", ""), .. parts];
        return own.Where(w => w.Length >= 3).Concat(DutchWords).Distinct();
    }

    /// <summary>What made the estimate low, in plain words: the known words it found, and dates, years or rows of keys.</summary>
    private static IReadOnlyList<string> Weaknesses(Zxcvbn.Result result)
    {
        var found = new List<string>();
        var words = result.MatchSequence.OfType<Zxcvbn.Matcher.DictionaryMatch>()
            .Where(m => m.Token.Length >= 3).Select(m => m.Token).Distinct(StringComparer.OrdinalIgnoreCase).Take(3).ToList();
        if (words.Count > 0) found.Add("bekende woorden (" + string.Join(", ", words.Select(w => $"‘{w}’")) + ")");
        if (result.MatchSequence.Any(m => m.Pattern is "date" or "year" || (m.Token.Length >= 4 && m.Token.All(char.IsAsciiDigit))))
            found.Add("een jaartal of datum");
        if (result.MatchSequence.Any(m => m.Pattern is "sequence" or "spatial" or "repeat"))
            found.Add("een reeks of herhaling (zoals ‘abc’, ‘1234’ of ‘qwerty’)");
        return found;
    }
}
