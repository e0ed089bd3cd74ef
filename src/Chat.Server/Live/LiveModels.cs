namespace Chat.Server.Live;

/// <summary>What the visitor chose to tell about themselves; every field optional, all closed codes.</summary>
/// <param name="InDanger">The answer to "Ben je nu in gevaar?" (null: not answered).</param>
/// <param name="PreferredExpertId">A follow-up by code (mailbox): the expert of the last chat or answer, preferred until
/// Chat:PreferenceFallback while on shift (see Matchmaking.Suits).</param>
/// <param name="FollowUpThreadId">The mailbox thread of that code: its expert's own note is shown to them (and to nobody else).</param>
public sealed record VisitorProfile(string About, string PreferredExperience, bool? FollowUp, string? Referral, string Language,
    string PreferredGender = "any", bool? InDanger = null, string? PreferredExpertId = null, string? FollowUpThreadId = null);

public enum ChatState { Queued, Active, Ended }

/// <summary>
/// One visitor's chat, from the queue to the end. Stored shape of the live store; it lives only until the
/// grace period after the end. The resume token is kept as a hash only.
/// </summary>
public sealed record ChatSession
{
    public required string SessionId { get; init; }
    public required string ConversationId { get; init; }
    public required string ResumeTokenHash { get; init; }
    public required VisitorProfile Visitor { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
    public ChatState State { get; init; } = ChatState.Queued;
    public string? ExpertId { get; init; }
    public string? ExpertDisplayName { get; init; }
    public string? ExpertExperience { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? EndedBy { get; init; }
    /// <summary>Put back in the queue after its expert was lost or passed it on: counted as answered once only.</summary>
    public bool Requeued { get; init; }
    /// <summary>The expert who passed this chat on, and when: not routed back to them until the preference fallback.</summary>
    public string? TransferredFrom { get; init; }
    public DateTimeOffset? TransferredAt { get; init; }
    /// <summary>
    /// The keyed hash of the visitor's address (see Abuse/ClientAddress): for the per-address limits and a block. Never
    /// the address itself; the key rotates, and the session is deleted after the grace period.
    /// </summary>
    public string? AddressHash { get; init; }
    /// <summary>The visitor answered the feedback question after the end (once per chat).</summary>
    public bool FeedbackGiven { get; init; }
    /// <summary>
    /// Why this visitor is in the first tier of the queue (<see cref="Urgency"/>), or null. Set by the store when the
    /// session is added, and only when no other open chat of the same address is urgent: saying yes cannot be used to jump
    /// the queue several times over.
    /// </summary>
    public string? Urgent { get; init; }
    /// <summary>The project whose widget the visitor opened (Tenancy): its queue, its limits, its experts.</summary>
    public string Project { get; init; } = Storage.Projects.Default;
    /// <summary>
    /// A partner project the visitor said yes to (overflow): they wait in both queues at once, keeping their request time,
    /// and the first suitable expert of either takes them. Null: only their own project.
    /// </summary>
    public string? OverflowProject { get; init; }

    /// <summary>
    /// The project whose expert took (or takes) the chat: the visitor's own when the expert works for it, else the partner
    /// they said yes to. Its contact form, block, follow-up letters and overflow counts go there.
    /// </summary>
    public string ProjectOfExpert(IReadOnlyList<string>? expertProjects) =>
        expertProjects is null || expertProjects.Contains(Project, StringComparer.Ordinal) || OverflowProject is null ? Project : OverflowProject;

    /// <summary>Every project whose experts may take this chat.</summary>
    public bool ServedBy(IReadOnlyList<string> projects) =>
        projects.Contains(Project, StringComparer.Ordinal) || (OverflowProject is { } o && projects.Contains(o, StringComparer.Ordinal));
}

/// <summary>Why a visitor goes first (<see cref="ChatSession.Urgent"/> and the console's badge).</summary>
public static class Urgency
{
    /// <summary>The visitor said they are in danger now.</summary>
    public const string Answer = "answer";
    /// <summary>The visitor wrote an urgent word (Triage:UrgentWords) while waiting, or in a letter.</summary>
    public const string Words = "words";
    /// <summary>Not urgent itself: waited longer than Triage:MaxWaitBeforeFirst (shown to experts, never stored).</summary>
    public const string Waited = "waited";
}

public static class Availability
{
    public const string Available = "available";
    public const string Paused = "paused";
    public const string Offline = "offline";
    public static readonly string[] All = [Available, Paused, Offline];
}

/// <summary>An expert's presence. <see cref="ActiveChats"/> is kept by the store's atomic operations only.</summary>
public sealed record ExpertPresence
{
    public required string ExpertId { get; init; }
    public required string DisplayName { get; init; }
    public required string Experience { get; init; }
    public required int MaxChats { get; init; }
    public string Availability { get; init; } = Live.Availability.Offline;
    /// <summary>False while none of the expert's connections is open (closed tab, lost network).</summary>
    public bool Connected { get; init; }
    public DateTimeOffset ChangedAt { get; init; }
    /// <summary>When the expert last got a chat: the one idle longest gets the next.</summary>
    public DateTimeOffset LastAssignedAt { get; init; }
    public IReadOnlyList<string> ActiveChats { get; init; } = [];
    /// <summary><c>woman</c>, <c>man</c>, <c>other</c> or <c>unspecified</c> (Accounts.Genders).</summary>
    public string Gender { get; init; } = "unspecified";
    /// <summary>The languages the expert chats in ("nl", "en").</summary>
    public IReadOnlyList<string> Languages { get; init; } = ["nl"];
    /// <summary>
    /// No new chat until then: the pause after each chat (Chat:CoolDown). Kept by the store: set atomically when a chat
    /// of the expert ends, cleared by <see cref="ILiveStore.EndCoolDownAsync"/>, checked by <see cref="ILiveStore.TryAssignAsync"/>.
    /// </summary>
    public DateTimeOffset? CoolDownUntil { get; init; }
    /// <summary>The projects whose chats the expert takes (the account's projects).</summary>
    public IReadOnlyList<string> Projects { get; init; } = [Storage.Projects.Default];

    public bool OnShift => Availability != Live.Availability.Offline || ActiveChats.Count > 0;
    public bool HasCapacity => Connected && Availability == Live.Availability.Available && ActiveChats.Count < MaxChats;
    public bool CoolingDownAt(DateTimeOffset now) => CoolDownUntil > now;
}

/// <summary>An expert's presence before and after one change (After null: unknown, or the change's condition did not hold).</summary>
public sealed record PresenceUpdate(ExpertPresence? Before, ExpertPresence? After);

public static class Senders
{
    public const string Visitor = "visitor";
    public const string Expert = "expert";
    public const string System = "system";
}

/// <param name="Card">A referral card sent by the expert (Replies/): shown as a card; <see cref="Text"/> is its plain-text form.</param>
public sealed record ChatMessage(long Seq, string ClientMessageId, string From, string Text, DateTimeOffset SentAt, ReferralCard? Card = null);

/// <summary>An organisation the expert refers the visitor to, as sent in the chat (a copy: later edits do not change it).</summary>
public sealed record ReferralCard(string Name, string Kind, string Phone, string Url, string Hours, string Description);

/// <summary>
/// The stored message, whether it was there already, and who the chat was with at the append (the session and
/// its expert, if assigned): enough to deliver it, without reading the whole session again.
/// </summary>
public sealed record AppendResult(ChatMessage Message, bool Duplicate, string SessionId, string? ExpertId);

public enum AssignOutcome { Assigned, SessionNotQueued, ExpertUnavailable }

/// <summary>
/// Limits checked atomically with adding a session to the queue: the queue's length, and per address (the session's
/// <see cref="ChatSession.AddressHash"/>) the chats queued or active and the chats started in the last hour.
/// </summary>
public sealed record QueueLimits(int MaxQueue, int MaxOpenPerAddress, int MaxPerAddressPerHour);

public enum QueueAdmission { Added, QueueFull, AddressLimit }

/// <summary>
/// Limits checked atomically with an append: the chat's messages in all (system messages excepted), and the visitor's
/// messages per minute (shared by every connection resumed on the chat, on every node).
/// </summary>
public sealed record MessageLimits(int MaxMessages, int VisitorPerMinute);

/// <summary>The chat holds the most messages it may (<c>Full</c>) or the visitor sent their minute's budget (<c>Rate</c>).</summary>
public sealed class MessageLimitException(bool full) : Exception(full ? "The chat holds the most messages it may." : "Too many messages this minute.")
{
    public bool Full { get; } = full;
}
