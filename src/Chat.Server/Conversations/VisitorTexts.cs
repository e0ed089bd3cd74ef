using System.Globalization;
using Chat.Server.Resources;

namespace Chat.Server.Conversations;

/// <summary>
/// The system's notes in a visitor's chat, in the visitor's language (Dutch unless they chose English). The texts are in
/// Resources/VisitorTextResources.resx (Dutch) and VisitorTextResources.en.resx; an organisation changes them there.
/// </summary>
public static class VisitorTexts
{
    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl");
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    public static string ExpertLost(string language) => Text(nameof(VisitorTextResources.ExpertLost), language);

    public static string Transferred(string language) => Text(nameof(VisitorTextResources.Transferred), language);

    /// <summary>Honest about the fallback: nobody who matches what the visitor asked for was free in time.</summary>
    public static string PreferenceFallback(string language, string expertName) =>
        string.Format(CultureOf(language), Text(nameof(VisitorTextResources.PreferenceFallback), language), expertName);

    private static CultureInfo CultureOf(string language) => language == "en" ? English : Dutch;

    private static string Text(string name, string language) =>
        VisitorTextResources.ResourceManager.GetString(name, CultureOf(language))
        ?? throw new InvalidOperationException($"Text {name} is missing from Resources/VisitorTextResources.resx.");
}
