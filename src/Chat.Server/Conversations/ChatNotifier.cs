using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Conversations;

/// <summary>Pushes events to visitors (group per session) and experts (by user id). Group names live here only.</summary>
public sealed class ChatNotifier(IHubContext<VisitorHub, IVisitorClient> visitors, IHubContext<ExpertHub, IExpertClient> experts)
{
    public const string AllExperts = "experts";
    public static string VisitorGroup(string sessionId) => "v:" + sessionId;

    public IVisitorClient Visitor(string sessionId) => visitors.Clients.Group(VisitorGroup(sessionId));
    public IExpertClient Expert(string expertId) => experts.Clients.User(expertId);
    public IExpertClient Experts => experts.Clients.Group(AllExperts);
}
