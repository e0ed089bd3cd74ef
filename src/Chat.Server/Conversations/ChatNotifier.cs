using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Conversations;

/// <summary>
/// Pushes events to visitors (a group per session), one expert (all their connections) or all experts.
/// Group names live here only. Where the event goes is the fan-out's business: straight to this node's
/// connections (embedded mode) or through Redis to every node (Redis mode).
/// </summary>
public sealed class ChatNotifier(IEventFanout fanout)
{
    public const string AllExperts = "experts";
    public static string VisitorGroup(string sessionId) => "v:" + sessionId;
    /// <summary>One expert's connections on this node: a lookup per event (the framework's Clients.User walks every
    /// connection of the hub for each event).</summary>
    public static string ExpertGroup(string expertId) => "e:" + expertId;

    public IVisitorClient Visitor(string sessionId) => new VisitorProxy((m, e) => fanout.SendAsync(new([new(Audience.Visitor, sessionId)], m, e)));
    public IExpertClient Expert(string expertId) => new ExpertProxy((m, e) => fanout.SendAsync(new([new(Audience.Expert, expertId)], m, e)));
    /// <summary>The expert-hub connections opened with one sign-in session (its handle, never its key), on every node.</summary>
    public IExpertClient ExpertSession(string handle) => new ExpertProxy((m, e) => fanout.SendAsync(new([new(Audience.ExpertSession, handle)], m, e)));
    public IExpertClient Experts => new ExpertProxy((m, e) => fanout.SendAsync(new([new(Audience.AllExperts, "")], m, e)));

    /// <summary>A message to both sides of a chat as one event (one publish in Redis mode).</summary>
    public Task MessageReceived(string sessionId, string? expertId, MessageDto message) =>
        fanout.SendAsync(new(expertId is null
            ? [new(Audience.Visitor, sessionId)]
            : [new(Audience.Visitor, sessionId), new(Audience.Expert, expertId)], nameof(IVisitorClient.MessageReceived), message));

    private sealed class VisitorProxy(Func<string, object, Task> send) : IVisitorClient
    {
        public Task QueueUpdated(QueueUpdated e) => send(nameof(QueueUpdated), e);
        public Task ChatStarted(ChatStarted e) => send(nameof(ChatStarted), e);
        public Task MessageReceived(MessageDto e) => send(nameof(MessageReceived), e);
        public Task TypingChanged(TypingChanged e) => send(nameof(TypingChanged), e);
        public Task ChatEnded(ChatEnded e) => send(nameof(ChatEnded), e);
        public Task BackInQueue(BackInQueue e) => send(nameof(BackInQueue), e);
        public Task Resync(Resync e) => send(nameof(Resync), e);
        public Task ExpertConnectionChanged(ExpertConnectionChanged e) => send(nameof(ExpertConnectionChanged), e);
        public Task OverflowOffered(OverflowOffer e) => send(nameof(OverflowOffered), e);
    }

    private sealed class ExpertProxy(Func<string, object, Task> send) : IExpertClient
    {
        public Task ChatAssigned(ChatAssigned e) => send(nameof(ChatAssigned), e);
        public Task MessageReceived(MessageDto e) => send(nameof(MessageReceived), e);
        public Task TypingChanged(TypingChanged e) => send(nameof(TypingChanged), e);
        public Task ChatEnded(ChatEnded e) => send(nameof(ChatEnded), e);
        public Task QueueChanged(QueueChanged e) => send(nameof(QueueChanged), e);
        public Task VisitorConnectionChanged(VisitorConnectionChanged e) => send(nameof(VisitorConnectionChanged), e);
        public Task AvailabilityChanged(AvailabilityResult e) => send(nameof(AvailabilityChanged), e);
        public Task Resync(Resync e) => send(nameof(Resync), e);
        public Task SignedOut(SignedOut e) => send(nameof(SignedOut), e);
        public Task FollowUpCodeIssued(FollowUpCodeIssued e) => send(nameof(FollowUpCodeIssued), e);
    }
}

public enum Audience { Visitor, Expert, AllExperts, ExpertSession }

public sealed record Target(Audience Audience, string Id);

/// <summary>One event for one or more audiences: the hub method name and its single argument.</summary>
public sealed record HubEvent(IReadOnlyList<Target> Targets, string Method, object Payload);

/// <summary>Where events go: this node's connections, or every node's.</summary>
public interface IEventFanout
{
    Task SendAsync(HubEvent e);
}

/// <summary>Embedded mode: straight to this node's connections.</summary>
public sealed class LocalFanout(IHubContext<VisitorHub> visitors, IHubContext<ExpertHub> experts, Accounts.ExpertConnections expertConnections)
    : IEventFanout
{
    public Task SendAsync(HubEvent e) => Deliver(e.Targets, e.Method, e.Payload);

    public async Task Deliver(IReadOnlyList<Target> targets, string method, object payload)
    {
        // Each hub encodes what it sends: for more than one audience (a message: the visitor's hub and the expert's) the
        // payload is encoded here once and each hub writes those bytes.
        if (targets.Count > 1) payload = EncodedPayload.Of(payload);
        foreach (var t in targets) await Deliver(t.Audience, t.Id, method, payload);
    }

    private async Task Deliver(Audience audience, string id, string method, object payload)
    {
        await Send(audience, id, method, payload);
        // A sign-out closes the account's connections on this node too (every node gets the event): a connection opened
        // with a cookie that is no longer valid must not keep receiving or sending.
        if (method != nameof(IExpertClient.SignedOut)) return;
        if (audience == Audience.Expert) expertConnections.AbortAll(id);
        else if (audience == Audience.ExpertSession) expertConnections.AbortSession(id);
    }

    private Task Send(Audience audience, string id, string method, object payload) => audience switch
    {
        Audience.Visitor => visitors.Clients.Group(ChatNotifier.VisitorGroup(id)).SendAsync(method, payload),
        Audience.Expert => experts.Clients.Group(ChatNotifier.ExpertGroup(id)).SendAsync(method, payload),
        Audience.ExpertSession => experts.Clients.Clients(expertConnections.OfSession(id)).SendAsync(method, payload),
        _ => experts.Clients.Group(ChatNotifier.AllExperts).SendAsync(method, payload),
    };

    /// <summary>
    /// Tells every connection on this node to reload what it shows, after this node may have missed events from the
    /// others (the clients spread their reloads over a few seconds).
    /// </summary>
    public async Task ResyncAllAsync(string reason)
    {
        await visitors.Clients.All.SendAsync(nameof(IVisitorClient.Resync), new Resync(reason));
        await experts.Clients.All.SendAsync(nameof(IExpertClient.Resync), new Resync(reason));
    }

    /// <summary>The camelCase JSON the hubs use, for events that cross nodes.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
