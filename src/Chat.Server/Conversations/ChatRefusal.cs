using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Conversations;

/// <summary>A hub call refused for a reason the caller may hear; <see cref="Reason"/> is a fixed code for the log.</summary>
public sealed class ChatRefusal(string reason, string message) : HubException(message)
{
    public string Reason { get; } = reason;

    /// <summary>Refused for now: the client may send the same call again in a moment (code <see cref="HubErrors.TryAgain"/>).</summary>
    public static ChatRefusal TryAgain(string reason, string text) => new(reason, HubErrors.Format(HubErrors.TryAgain, text));
}
