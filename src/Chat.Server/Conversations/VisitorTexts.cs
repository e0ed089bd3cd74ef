namespace Chat.Server.Conversations;

/// <summary>The system's notes in a visitor's chat, in the visitor's language (Dutch unless they chose English).</summary>
public static class VisitorTexts
{
    public static string ExpertLost(string language) => language == "en"
        ? "The connection with the expert was lost. You are back at the front of the queue."
        : "De verbinding met de ervaringsdeskundige is verbroken. Je staat weer vooraan in de wachtrij.";

    public static string Transferred(string language) => language == "en"
        ? "You are being put through to another expert by experience. You are at the front of the queue."
        : "Je wordt doorverbonden met een andere ervaringsdeskundige. Je staat vooraan in de wachtrij.";

    /// <summary>Honest about the fallback: nobody who matches what the visitor asked for was free in time.</summary>
    public static string PreferenceFallback(string language, string expertName) => language == "en"
        ? $"Nobody who matches what you asked for was free, so you would not have to wait longer. You are now talking with {expertName}."
        : $"Er was niemand vrij die past bij wat je koos. Zodat je niet langer hoeft te wachten, praat je nu met {expertName}.";
}
