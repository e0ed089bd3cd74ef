using Chat.Server.Live;
using Chat.Server.Roster;
using Microsoft.Extensions.Options;

namespace Chat.Server.Conversations;

/// <summary>
/// The live chat's timeouts, every <see cref="ChatOptions.SweepInterval"/>: ended transcripts deleted after the grace
/// period (first, and apart from the records database), visitors who went away, experts gone longer than the grace,
/// connections of nodes that died, then a routing pass (for the preference fallback and the end of a cool-down).
/// </summary>
public sealed partial class LiveSweeper(
    ILiveStore store,
    ChatRouter router,
    ChatLifecycle lifecycle,
    Presence presence,
    ChatNotifier notify,
    IConnectionTracker connections,
    ShiftLog shifts,
    TimeProvider time,
    IOptionsMonitor<ChatOptions> options,
    IOptionsMonitor<Triage.TriageOptions> triage,
    Overflow overflow,
    ILogger<LiveSweeper> logger)
    : BackgroundService
{
    private const string NodeLost = "node-lost";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.CurrentValue.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Sweep failed; retrying at the next tick");
            }
        }
    }

    public async Task SweepAsync()
    {
        var now = time.GetUtcNow();
        var o = options.CurrentValue;

        // First, and apart from everything below that needs the records database: message logs are deleted after the
        // grace period (only the contact form remains), also while that database is unreachable.
        var purged = await store.PurgeEndedAsync(now - o.GracePeriod);
        if (purged.Count > 0) Log.Purged(logger, purged.Count);

        // Connections held by nodes that died are forgotten; experts left without any are disconnected.
        var dead = await connections.SweepDeadNodesAsync();
        foreach (var expertId in dead.ExpertsGone)
            await store.DisconnectExpertAsync(expertId, now);
        // What a dead node acknowledged but had not published yet never reached the other side: that side reloads.
        foreach (var sessionId in dead.SessionsHit)
            if (await store.GetSessionAsync(sessionId) is { State: ChatState.Active, ExpertId: { } expertId })
                await notify.Expert(expertId).Resync(new(NodeLost));
        foreach (var expertId in dead.ExpertsHit)
            if (await store.GetPresenceAsync(expertId) is { } p)
                foreach (var sessionId in p.ActiveChats)
                    await notify.Visitor(sessionId).Resync(new(NodeLost));

        // A visitor who said they are in danger keeps their place and their chat longer without a connection (a 112 call
        // puts the tab in the background, phones drop it): only the ones gone longer than Triage:InDangerReconnectGrace lose
        // it. Not for an urgent word: a visitor who wrote "help me" and closed the tab must not hold the first tier for half
        // an hour.
        HashSet<string>? longGone = null;
        async Task<bool> GoneTooLongAsync(ChatSession s) => s.Urgent != Urgency.Answer
            || (longGone ??= (await connections.VisitorsGoneSinceAsync(now - triage.CurrentValue.InDangerReconnectGrace)).ToHashSet()).Contains(s.SessionId);
        // Visitors who closed the browser while waiting leave the queue.
        foreach (var sessionId in await connections.VisitorsGoneSinceAsync(now - o.VisitorReconnectGrace))
        {
            var s = await store.GetSessionAsync(sessionId);
            if (s is { State: ChatState.Queued }) { if (await GoneTooLongAsync(s)) await lifecycle.EndAsync(sessionId, Senders.System); }
            else if (s is not { State: ChatState.Active }) await connections.ForgetAsync(sessionId);
        }
        // An active chat whose visitor stays away ends: nobody waits for a visitor who fled.
        foreach (var sessionId in await connections.VisitorsGoneSinceAsync(now - o.VisitorAbsentEnd))
            if (await store.GetSessionAsync(sessionId) is { State: ChatState.Active } s && await GoneTooLongAsync(s))
                await lifecycle.EndAsync(sessionId, Senders.System);

        // Experts gone longer than the grace: their chats go back to the front of the queue, they go off shift.
        await presence.TakeOffShiftIfGoneAsync(o.ExpertReconnectGrace);

        await router.AfterChangeAsync();
        // Visitors waiting past their project's overflowAfter (in danger: at once) hear of a partner with someone free.
        await overflow.OfferToWaitingAsync();
        await shifts.TouchOpenAsync(now);
    }

    private static partial class Log
    {
        [LoggerMessage(6, LogLevel.Information, "Deleted the message logs of {Count} ended chats")]
        public static partial void Purged(ILogger logger, int count);
    }
}
