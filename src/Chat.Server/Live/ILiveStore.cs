namespace Chat.Server.Live;

/// <summary>
/// Live state: the queue, expert presence, chat sessions and their message logs. Dumb and atomic: every
/// method is one atomic change, so two callers (threads or nodes) can never assign one visitor twice or push an
/// expert over capacity. Rules (who goes first, who matches) live in the router, never here.
/// Implemented in process (embedded mode) and on Redis; both pass the same contract tests.
/// </summary>
public interface ILiveStore
{
    // Sessions and the queue. The queue is the sessions in state Queued, oldest request first.
    /// <summary>
    /// Adds a session to the queue, unless <paramref name="limits"/> (checked in the same atomic step) say the queue is
    /// full or the session's address has too many chats. Throws InvalidOperationException when the id exists.
    /// </summary>
    Task<QueueAdmission> AddQueuedAsync(ChatSession session, QueueLimits? limits = null, CancellationToken ct = default);
    Task<ChatSession?> GetSessionAsync(string sessionId, CancellationToken ct = default);
    Task<ChatSession?> FindByConversationAsync(string conversationId, CancellationToken ct = default);
    Task<ChatSession?> FindByResumeTokenHashAsync(string tokenHash, CancellationToken ct = default);
    Task<IReadOnlyList<ChatSession>> GetQueueAsync(CancellationToken ct = default);

    /// <summary>
    /// Queued to active with this expert, only if the session is still queued and the expert still has capacity and is not
    /// in a cool-down at <paramref name="at"/>.
    /// </summary>
    /// <param name="takeUrgent">The expert's own choice (expert hub TakeUrgent): only an urgent session; the expert must be
    /// connected, on shift (available or paused) and below capacity, a cool-down does not stop it and ends with it.</param>
    Task<AssignOutcome> TryAssignAsync(string sessionId, string expertId, DateTimeOffset at, bool takeUrgent = false, CancellationToken ct = default);

    /// <summary>
    /// A waiting visitor becomes urgent (<paramref name="reason"/>, e.g. an urgent word while queued): only while queued, not
    /// urgent yet, and no other open chat of the same address is urgent. The session as changed, or null when nothing changed.
    /// </summary>
    Task<ChatSession?> TryMarkUrgentAsync(string sessionId, string reason, CancellationToken ct = default);

    /// <summary>
    /// The waiting visitor said yes to a partner project (overflow): from now on they wait in both queues, keeping their
    /// request time. Only while queued. The session as changed, or null when it is no longer waiting.
    /// </summary>
    /// <param name="project">The partner project the waiting visitor said yes to; null takes the yes back (a block there).</param>
    Task<ChatSession?> TryAddOverflowAsync(string sessionId, string? project, CancellationToken ct = default);

    /// <summary>
    /// Queued or active to ended; frees the expert's slot and, for an active chat and a positive <paramref name="coolDown"/>,
    /// gives the expert a cool-down until <paramref name="at"/> + <paramref name="coolDown"/> (in the same atomic step, so no
    /// routing pass anywhere can hand them a new chat in between). With <paramref name="onlyIfWith"/>, only while the chat is
    /// still with that expert (an expert's EndChat cannot end a chat that was passed on a moment ago). Null when already
    /// ended, unknown, or no longer with that expert.
    /// </summary>
    /// <param name="keepFor">How long the ended chat's log may still be read back (Chat:GracePeriod): in Redis its keys' TTL; the
    /// embedded store keeps it until the sweeper's purge with the same period.</param>
    Task<ChatSession?> TryEndAsync(string sessionId, string endedBy, DateTimeOffset at, TimeSpan keepFor, TimeSpan coolDown = default,
        string? onlyIfWith = null, CancellationToken ct = default);

    /// <summary>The expert is ready again before the cool-down is over ("Ik ben er klaar voor").</summary>
    Task EndCoolDownAsync(string expertId, CancellationToken ct = default);

    /// <summary>
    /// The lengths of the last chats (at most 20, newest first), shared by every node so that every node gives a waiting
    /// visitor the same estimate. Durations only: nothing about who chatted.
    /// </summary>
    Task RecordChatLengthAsync(TimeSpan length, CancellationToken ct = default);
    Task<IReadOnlyList<TimeSpan>> RecentChatLengthsAsync(CancellationToken ct = default);

    /// <summary>Records that the visitor of this ended chat gave feedback; false when the chat is unknown, not ended, or already did.</summary>
    Task<bool> TryMarkFeedbackAsync(string sessionId, CancellationToken ct = default);

    /// <summary>
    /// Active back to queued (keeping its place by request time) when the expert was lost, or passed it on
    /// (<paramref name="transferredFrom"/>, recorded with <paramref name="at"/>). With <paramref name="onlyIfWith"/>, only while
    /// the chat is still with that expert.
    /// </summary>
    Task<ChatSession?> TryRequeueAsync(string sessionId, string? transferredFrom = null, DateTimeOffset? at = null, string? onlyIfWith = null,
        CancellationToken ct = default);

    /// <summary>The resume token stops finding its session (the visitor left or fled): nothing can be read back with it.</summary>
    Task ForgetResumeTokenAsync(string tokenHash, CancellationToken ct = default);

    /// <summary>Sessions ended before <paramref name="endedBefore"/>: their log and keys are deleted.</summary>
    Task<IReadOnlyList<string>> PurgeEndedAsync(DateTimeOffset endedBefore, CancellationToken ct = default);

    // Message log: append-only per conversation; seq starts at 1; idempotent on (from, clientMessageId).
    // Throws KeyNotFoundException for an unknown conversation, ConversationEndedException once it ended
    // (system messages excepted), and NotAssignedException when assignedTo is given and the chat is not (or no
    // longer: passed on, put back in the queue) with that expert; all checked atomically with the append. A resend of
    // a stored message is acknowledged again whatever happened since. With limits, a new visitor or expert message
    // beyond them throws MessageLimitException (checked atomically too; a resend of a stored message is never refused).
    // A card (a referral, from an expert) is stored with the message; a resend returns the stored one.
    Task<AppendResult> AppendAsync(string conversationId, string from, string clientMessageId, string text, DateTimeOffset at,
        string? assignedTo = null, MessageLimits? limits = null, CancellationToken ct = default, ReferralCard? card = null);
    Task<IReadOnlyList<ChatMessage>> GetMessagesAsync(string conversationId, long afterSeq, CancellationToken ct = default);

    // Expert presence, changed by intent: each is one atomic change of the fields it names (never a read, then a write
    // back of the whole record, which two nodes could interleave). Each returns the presence before and after; After is
    // null when the expert is unknown (or, for GoOffline with a condition, when the condition no longer holds).

    /// <summary>A console connected: the account's fields refreshed, Connected; availability kept (offline for a new one).</summary>
    Task<PresenceUpdate> ConnectExpertAsync(ExpertPresence account, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>The expert's last console connection closed.</summary>
    Task<PresenceUpdate> DisconnectExpertAsync(string expertId, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>The expert chose available / paused / offline; the account's fields refreshed; connected if new.</summary>
    Task<PresenceUpdate> SetAvailabilityAsync(ExpertPresence account, string availability, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>
    /// Off shift (offline). With <paramref name="ifGoneBefore"/>, only if the expert is still without a connection and
    /// has been since before then (the sweep: a console that came back in between keeps its shift).
    /// </summary>
    Task<PresenceUpdate> GoOfflineAsync(string expertId, DateTimeOffset at, DateTimeOffset? ifGoneBefore = null, CancellationToken ct = default);

    // Upsert (tests and tools) keeps ActiveChats, LastAssignedAt and CoolDownUntil as the store has them.
    Task<ExpertPresence> UpsertPresenceAsync(ExpertPresence presence, CancellationToken ct = default);
    Task<ExpertPresence?> GetPresenceAsync(string expertId, CancellationToken ct = default);
    Task<IReadOnlyList<ExpertPresence>> GetPresencesAsync(CancellationToken ct = default);
}

public sealed class ConversationEndedException() : Exception("The conversation has ended.");

public sealed class NotAssignedException() : Exception("The conversation is not assigned to this expert.");
