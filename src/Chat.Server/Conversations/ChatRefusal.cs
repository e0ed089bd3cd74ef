using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Conversations;

/// <summary>A hub call refused for a reason the caller may hear; <see cref="Reason"/> is a fixed code for the log.</summary>
public sealed class ChatRefusal(string reason, string message) : HubException(message)
{
    public string Reason { get; } = reason;
}
