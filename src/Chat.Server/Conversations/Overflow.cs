using Chat.Server.Abuse;
using Chat.Server.Live;
using Chat.Server.Tenancy;

namespace Chat.Server.Conversations;

/// <summary>
/// Overflow between partner projects, never without the visitor's yes: when their project is closed (the StartChat answer
/// carries the offer), or their wait passes the project's overflowAfter (at once for a visitor in danger) while a partner
/// project has someone free, the visitor is asked; a yes (<c>AcceptOverflow</c>) puts them in both queues at once, keeping
/// their request time, and the first suitable expert of either project takes them (<see cref="Matchmaking.Serves"/>).
/// </summary>
public sealed class Overflow(ProjectDirectory projects, QueueView queue, ILiveStore store, IAbuseStore abuse, ChatNotifier notify, TimeProvider time)
{
    /// <summary>
    /// A partner of <paramref name="project"/> (both name each other) with a free place now that nobody waiting there would
    /// take first (so the estimate is 0: answered at once); null when none. <paramref name="waiting"/>: the visitor already in the queue (its own partner excluded).
    /// </summary>
    public async Task<OverflowOffer?> OfferAsync(string project, ChatSession? waiting = null) =>
        (await OffersAsync(project, waiting)).FirstOrDefault();

    /// <summary>Every partner with such a free place, in the order the project names them.</summary>
    public async Task<IReadOnlyList<OverflowOffer>> OffersAsync(string project, ChatSession? waiting = null)
    {
        var partners = await projects.PartnersOfAsync(project);
        var offers = new List<OverflowOffer>();
        if (partners.Count == 0) return offers;
        var m = await queue.SituationAsync();
        foreach (var p in partners)
        {
            if (waiting?.OverflowProject == p.Slug) continue;
            var free = m.Experts.Where(e => e.Projects.Contains(p.Slug, StringComparer.Ordinal) && Matchmaking.TakesNewChats(e, m))
                .Sum(e => e.MaxChats - e.ActiveChats.Count);
            var waitingThere = m.Queue.Count(s => s.SessionId != waiting?.SessionId && (s.Project == p.Slug || s.OverflowProject == p.Slug));
            if (free <= waitingThere) continue;
            // A free place nobody waiting there takes first: the visitor would be answered at once.
            offers.Add(new OverflowOffer(p.Slug, p.Name, 0));
        }
        return offers;
    }

    /// <summary>
    /// Whether the waiting visitor was offered <paramref name="partner"/> (by the sweep, within <see cref="AskAgainAfter"/>):
    /// a yes without an offer would let anyone move to a partner's queue, shorter or not, as they like.
    /// </summary>
    public async Task<bool> WasOfferedAsync(string sessionId, string partner) =>
        await abuse.PeekInWindowAsync(OfferMarker(sessionId, partner), time.GetUtcNow()) > 0;

    /// <summary>Whether a visitor of <paramref name="project"/> would be offered <paramref name="partner"/> now (someone free there).</summary>
    public async Task<bool> OffersNowAsync(string project, string partner) =>
        (await OffersAsync(project)).Any(o => o.Project == partner);

    private static string OfferMarker(string sessionId, string partner) => $"overflow-offer:{sessionId}:{partner}";

    /// <summary>A visitor who did not say yes is asked about the same partner again after this (they may have changed their mind).</summary>
    public static readonly TimeSpan AskAgainAfter = TimeSpan.FromMinutes(15);

    /// <summary>May a visitor of <paramref name="project"/> go on at <paramref name="partner"/>: a mutual partner that is open.</summary>
    public async Task<Project?> AcceptableAsync(string project, string? partner)
    {
        if (string.IsNullOrEmpty(partner)) return null;
        var p = (await projects.PartnersOfAsync(project)).FirstOrDefault(x => x.Slug == partner);
        return p is not null && await queue.IsOpenAsync(p.Slug) ? p : null;
    }

    /// <summary>
    /// The sweep: every visitor waiting past their project's overflowAfter (a visitor in danger at once) who has not said
    /// yes to a partner is offered one with someone free, once per partner.
    /// </summary>
    public async Task OfferToWaitingAsync()
    {
        var all = await projects.AllAsync();
        if (!all.Values.Any(p => p.PartnerList.Count > 0)) return; // no partnerships: nothing to read
        var now = time.GetUtcNow();
        foreach (var s in await store.GetQueueAsync())
        {
            if (s.OverflowProject is not null || !all.TryGetValue(s.Project, out var own) || own.PartnerList.Count == 0) continue;
            if (s.Urgent is null && now - s.RequestedAt < TimeSpan.FromSeconds(own.OverflowAfterSeconds)) continue;
            // The first partner with room now (a full one gives way to the next), each at most once in AskAgainAfter, on every
            // node together (the marker holds a random session id, no address, and expires with the window).
            if ((await OffersAsync(s.Project, s)).FirstOrDefault() is not { } offer) continue;
            if (await abuse.CountInWindowAsync(OfferMarker(s.SessionId, offer.Project), AskAgainAfter, now) != 1) continue;
            await notify.Visitor(s.SessionId).OverflowOffered(offer);
        }
    }
}
