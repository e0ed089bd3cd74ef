using System.Security.Cryptography;

namespace Chat.Server.Mailbox;

/// <summary>
/// The visitor's code: 16 characters of Crockford's base32 in four groups (<c>7KQM-2XPD-9HTR-4WNC</c>), 15 random (75
/// bits from <see cref="RandomNumberGenerator"/>) and a Luhn mod 32 check character, so a mistyped code is told apart
/// from a wrong one without asking the database (and is not counted as a guess).
/// </summary>
public static class MailboxCode
{
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int N = 32, Length = 16;

    public static string New()
    {
        Span<char> c = stackalloc char[Length];
        for (var i = 0; i < Length - 1; i++) c[i] = Alphabet[RandomNumberGenerator.GetInt32(N)];
        c[Length - 1] = Alphabet[CheckIndex(c[..(Length - 1)])];
        return Format(new string(c));
    }

    public static string Format(string normalised) =>
        $"{normalised[..4]}-{normalised[4..8]}-{normalised[8..12]}-{normalised[12..]}";

    /// <summary>
    /// The code as compared: upper case, without dashes and spaces, Crockford's look-alikes read as digits (O as 0,
    /// I and L as 1). Null when it is no code at all: wrong length, a character outside the alphabet, or a wrong check
    /// character.
    /// </summary>
    public static string? Normalise(string? code)
    {
        if (code is null || code.Length > 40) return null;
        var chars = new List<char>(Length);
        foreach (var raw in code)
        {
            if (raw is '-' or ' ') continue;
            var ch = char.ToUpperInvariant(raw) switch { 'O' => '0', 'I' or 'L' => '1', var x => x };
            if (Alphabet.IndexOf(ch) < 0 || chars.Count == Length) return null;
            chars.Add(ch);
        }
        if (chars.Count != Length) return null;
        var s = new string(chars.ToArray());
        return Alphabet[CheckIndex(s.AsSpan(0, Length - 1))] == s[Length - 1] ? s : null;
    }

    /// <summary>Luhn mod N: the check character's index for these characters.</summary>
    private static int CheckIndex(ReadOnlySpan<char> payload)
    {
        var factor = 2;
        var sum = 0;
        for (var i = payload.Length - 1; i >= 0; i--)
        {
            var addend = factor * Alphabet.IndexOf(payload[i]);
            factor = factor == 2 ? 1 : 2;
            sum += addend / N + addend % N;
        }
        return (N - sum % N) % N;
    }
}
