using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Conversations;

/// <summary>
/// Machine-readable codes in hub errors. SignalR hands a client nothing of a <see cref="HubException"/> but its message,
/// so the code travels in the message, in one fixed place: in square brackets at the very start, then a space and the
/// readable text: <c>[try-again] Tijdelijk niet beschikbaar; probeer het zo opnieuw.</c> A code is lower-case letters
/// and hyphens. Clients read the code and show only the text (the browser clients: <c>hubError</c> in
/// Chat.Widget's <c>wwwroot/shared/hub-client.js</c>). A message that does not start with "[" has no code; its text is
/// all there is. Codes are contract: add one here, never rename one.
/// </summary>
public static partial class HubErrors
{
    /// <summary>Nothing was done; the same call may go again in a moment (a message with the same client message id is stored once).</summary>
    public const string TryAgain = "try-again";

    /// <summary>The message of a hub error with <paramref name="code"/>: "[code] text".</summary>
    public static string Format(string code, string text) => $"[{code}] {text}";

    /// <summary>A hub error that says "try again" to the client and <paramref name="text"/> to the person.</summary>
    public static HubException TryAgainLater(string text) => new(Format(TryAgain, text));

    /// <summary>
    /// The code of a hub error as a .NET client sees its message ("... HubException: [try-again] ..."), or null.
    /// Until every server sends the code, the older form counts too: the text ending in "[retry]".
    /// </summary>
    public static string? CodeOf(string message)
    {
        var at = message.IndexOf("HubException: ", StringComparison.Ordinal);
        var text = at < 0 ? message : message[(at + "HubException: ".Length)..];
        if (Coded().Match(text) is { Success: true } m) return m.Groups[1].Value;
        return text.EndsWith("[retry]", StringComparison.Ordinal) ? TryAgain : null;
    }

    public static bool IsTryAgain(string message) => CodeOf(message) == TryAgain;

    [GeneratedRegex(@"^\[([a-z]+(?:-[a-z]+)*)\] ")]
    private static partial Regex Coded();
}
