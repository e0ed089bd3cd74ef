using System.Globalization;

namespace Chat.Server.Resources;

/// <summary>Fills in a text from the resources (numbers and codes only, never what a user typed).</summary>
public static class HubTexts
{
    private static readonly CultureInfo Dutch = CultureInfo.GetCultureInfo("nl");

    public static string Format(string text, params object[] values) => string.Format(Dutch, text, values);
}
