using Chat.Server.Conversations;

namespace Chat.Tests.Conversations;

/// <summary>The system's notes come from the resources, in the visitor's language, Dutch unless English was chosen.</summary>
public class VisitorTextsTests
{
    [Theory]
    [InlineData("nl", "Je staat weer vooraan in de wachtrij", "doorverbonden", "praat je nu met Sanne")]
    [InlineData("en", "You are back at the front of the queue", "put through to another expert", "You are now talking with Sanne")]
    [InlineData("de", "Je staat weer vooraan in de wachtrij", "doorverbonden", "praat je nu met Sanne")] // unknown: Dutch
    public void Each_note_is_in_the_visitors_language(string language, string lost, string transferred, string fallback)
    {
        Assert.Contains(lost, VisitorTexts.ExpertLost(language));
        Assert.Contains(transferred, VisitorTexts.Transferred(language));
        Assert.Contains(fallback, VisitorTexts.PreferenceFallback(language, "Sanne"));
    }

    [Fact]
    public void The_language_of_the_server_does_not_change_the_visitors_text()
    {
        var before = System.Globalization.CultureInfo.CurrentUICulture;
        try
        {
            System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("en-US");
            Assert.StartsWith("De verbinding", VisitorTexts.ExpertLost("nl"));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentUICulture = before;
        }
    }
}
