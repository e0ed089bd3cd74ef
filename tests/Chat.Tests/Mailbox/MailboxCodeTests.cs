using Chat.Server.Mailbox;

namespace Chat.Tests.Mailbox;

/// <summary>The code's form: Crockford base32 in four groups, 75 random bits, a Luhn mod 32 check character.</summary>
public sealed class MailboxCodeTests
{
    [Fact]
    public void ACodeHasFourGroupsOfCrockfordCharactersAndItsOwnCheckCharacter()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => MailboxCode.New()).ToList();
        Assert.All(codes, c => Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", c));
        Assert.All(codes, c => Assert.Equal(c.Replace("-", ""), MailboxCode.Normalise(c)));
        Assert.Equal(codes.Count, codes.Distinct().Count());
        // Every position takes every character: 15 random positions of 32 characters each.
        for (var i = 0; i < 15; i++) Assert.True(codes.Select(c => c.Replace("-", "")[i]).Distinct().Count() >= 30, $"position {i}");
    }

    [Fact]
    public void EveryMistypedSingleCharacterAndEverySwapOfNeighboursIsCaught()
    {
        for (var n = 0; n < 50; n++)
        {
            var code = MailboxCode.New().Replace("-", "");
            for (var i = 0; i < code.Length; i++)
                foreach (var other in MailboxCode.Alphabet.Where(ch => ch != code[i]))
                    Assert.Null(MailboxCode.Normalise(code[..i] + other + code[(i + 1)..]));
            for (var i = 0; i + 1 < code.Length; i++)
                // Luhn mod 32 misses one swap only, of the first and the last character of the alphabet (as 09/90 in base 10).
                if (code[i] != code[i + 1] && !(code[i] is '0' or 'Z' && code[i + 1] is '0' or 'Z'))
                    Assert.Null(MailboxCode.Normalise(code[..i] + code[i + 1] + code[i] + code[(i + 2)..]));
        }
    }

    [Fact]
    public void LowerCaseSpacesAndLookAlikesAreReadAsTheCodeAndAnythingElseIsNoCode()
    {
        var code = MailboxCode.New();
        var plain = code.Replace("-", "");
        Assert.Equal(plain, MailboxCode.Normalise(code.ToLowerInvariant().Replace("-", " ")));
        var withZero = plain.Contains('0') ? plain : null;
        if (withZero is not null) Assert.Equal(plain, MailboxCode.Normalise(withZero.Replace('0', 'o')));
        Assert.Null(MailboxCode.Normalise(null));
        Assert.Null(MailboxCode.Normalise(""));
        Assert.Null(MailboxCode.Normalise(plain[..15]));
        Assert.Null(MailboxCode.Normalise(plain + "0"));
        Assert.Null(MailboxCode.Normalise(plain[..15] + "U")); // U is not in the alphabet
        Assert.Null(MailboxCode.Normalise(new string('7', 400)));
    }
}
