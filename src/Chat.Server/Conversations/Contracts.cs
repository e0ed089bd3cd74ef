using Chat.Server.Live;

namespace Chat.Server.Conversations;

// Wire shapes of the hubs (camelCase JSON). The names are the contract in docs/contract.md.

/// <param name="InDanger">The first question, "Ben je nu in gevaar?": true (yes), false (no) or null (skipped). Yes puts the
/// visitor in the first tier of the queue (see Matchmaking).</param>
public sealed record StartChatRequest(string? About, string? PreferredExperience, bool? FollowUp, string? Referral, string? Language,
    string? PreferredGender = null, bool? InDanger = null, string? Code = null, string? Project = null);
/// <param name="Reason">With status "refused": "limit" (too many chats from this address), "blocked", or "busy" (the queue
/// is full). The widget shows the same calm text with the phone alternatives for each.</param>
/// <param name="Overflow">With status "closed": an open partner project with someone free now (the visitor may say yes with
/// <c>AcceptOverflow(project)</c>), or null.</param>
public sealed record StartChatResult(string? SessionId, string? ResumeToken, string Status, int? Position, int? EstimatedWaitSeconds,
    string? Reason = null, OverflowOffer? Overflow = null)
{
    public static StartChatResult Refused(string reason) => new(null, null, "refused", null, null, reason);
}

/// <summary>A partner project with someone free: "Bij {name} is nu iemand vrij. Wil je daar verder? Je blijft anoniem."</summary>
public sealed record OverflowOffer(string Project, string Name, int? EstimatedWaitSeconds);

public sealed record BlockResult(string BlockId, DateTimeOffset Until);
public sealed record ExpertInfo(string DisplayName, string Experience);
/// <param name="EndedBy">Addition to the contract: who ended the chat ("expert" or "system") when the status is "ended" and the
/// chat can still be read back (a visitor's own end kills the token, so it is never "visitor" here).</param>
/// <param name="Urgent">Addition to the contract: as in <see cref="QueueUpdated"/>, while the chat is open.</param>
public sealed record ResumeResult(string Status, int? Position, int? EstimatedWaitSeconds, string? ConversationId, ExpertInfo? Expert,
    IReadOnlyList<MessageDto> Messages, string? EndedBy = null, bool Urgent = false);
public sealed record SendResult(long Seq, DateTimeOffset SentAt);

/// <param name="Card">A referral card (expert hub SendReferral), or null; <see cref="Text"/> is then its plain-text form.</param>
public sealed record MessageDto(string ConversationId, long Seq, string ClientMessageId, string From, string Text, DateTimeOffset SentAt,
    ReferralCard? Card = null)
{
    public static MessageDto Of(string conversationId, ChatMessage m) => new(conversationId, m.Seq, m.ClientMessageId, m.From, m.Text, m.SentAt, m.Card);
}

/// <param name="Urgent">Addition to the contract: this visitor goes first (said they are in danger, or wrote an urgent word while
/// waiting): the widget shows the 112 line. Never which word.</param>
public sealed record QueueUpdated(int Position, int? EstimatedWaitSeconds, bool Urgent = false);
public sealed record ChatStarted(string ConversationId, ExpertInfo Expert);
public sealed record TypingChanged(string ConversationId, string From, bool IsTyping);
public sealed record ChatEnded(string ConversationId, string EndedBy, int? DurationSeconds = null, ContactPrefill? Form = null, bool Transferred = false,
    bool Blocked = false, DateTimeOffset? CoolDownUntil = null);

/// <summary>The visitor's chat went back to the front of the queue (expert passed it on, or was lost).</summary>
public sealed record BackInQueue(string ConversationId, string Reason);

/// <summary>
/// Addition to the contract (both hubs): events may have been missed. Reasons: "events-missed" (this node was cut
/// off from Redis for a while), "node-lost" (the node of the other side of a chat died, perhaps before publishing
/// what it had acknowledged). The client reloads what it shows: the visitor calls Resume with its last seq, the
/// console GetState.
/// </summary>
public sealed record Resync(string Reason);

/// <summary>Addition to the contract (expert hub): this account's sessions were ended (roles, disabled, password); sign in again.</summary>
public sealed record SignedOut(string Reason);

/// <param name="Urgent">Why this visitor went first, or null: <c>answer</c> (said they are in danger now), <c>waited</c> (waited
/// longer than Triage:MaxWaitBeforeFirst).</param>
/// <param name="FollowUpNote">A follow-up by code with this expert: their own short note on it (never anyone else's, never
/// the visitor's to see); the console shows it under "wie deze code heeft, is misschien niet dezelfde persoon".</param>
/// <param name="Project">The project whose widget the visitor opened (slug), <paramref name="ProjectName"/> its name.</param>
/// <param name="Overflow">The visitor said yes to a partner project: they came from <paramref name="ProjectName"/> to this expert's.</param>
public sealed record VisitorInfo(string About, string PreferredExperience, bool? FollowUp, string? Referral, string Language, int WaitedSeconds,
    string PreferredGender = "any", UrgentInfo? Urgent = null, string? FollowUpNote = null, string? Project = null, string? ProjectName = null,
    bool Overflow = false);
public sealed record UrgentInfo(string Reason);
public sealed record ChatAssigned(string ConversationId, VisitorInfo Visitor, DateTimeOffset StartedAt, IReadOnlyList<MessageDto> Messages);
/// <param name="Danger">Addition to the contract: visitors in danger waiting (the tier <c>danger</c>). A routing pass assigns such
/// a visitor to anyone free at once, so while this is above 0 nobody is free for them: every console shows it, and an expert
/// in a cool-down, a pause or the last minutes of a shift may take them (<c>TakeUrgent</c>).</param>
public sealed record QueueChanged(int Waiting, int LongestWaitSeconds, int Danger = 0);
public sealed record VisitorConnectionChanged(string ConversationId, bool Connected);

/// <summary>Addition to the contract (visitor hub): the expert's last connection dropped, or came back.</summary>
public sealed record ExpertConnectionChanged(string ConversationId, bool Connected);

public sealed record AvailabilityResult(string Availability);
public sealed record LiveExpert(string DisplayName, string Experience, string Availability, bool Connected, int ActiveChats, int MaxChats);
public sealed record LiveOverview(bool Open, QueueChanged Queue, IReadOnlyList<LiveExpert> Experts);
public sealed record ExpertConversation(string ConversationId, VisitorInfo Visitor, DateTimeOffset StartedAt, bool VisitorConnected, IReadOnlyList<MessageDto> Messages);
public sealed record ExpertState(string Availability, IReadOnlyList<ExpertConversation> Conversations, QueueChanged Queue, IReadOnlyList<ContactPrefill> PendingForms,
    DateTimeOffset? CoolDownUntil = null);

/// <summary>
/// Addition to the contract (expert hub <c>GetQueueStatus</c>): whether the waiting visitors can be this expert's, and if
/// not why (a code of <see cref="NotYoursReasons"/>), until when (cool-down end, shift end, the preference fallback), and for
/// "preference" what the first visitor asked for. Nothing that identifies a visitor.
/// </summary>
public sealed record QueueStatus(int Waiting, int LongestWaitSeconds, string? NotYours, DateTimeOffset? Until, QueueWish? Wish, int Danger = 0);
public sealed record QueueWish(string PreferredExperience, string PreferredGender, string Language);

/// <summary>Addition to the contract (expert hub <c>RequestDebrief</c>).</summary>
public sealed record DebriefResult(long Id, DateTimeOffset RequestedAt);

/// <summary>Visitor hub <c>GiveFeedback</c>: a mark 1..10 and "did it help", both optional.</summary>
public sealed record FeedbackRequest(int? Score, string? Helped);

/// <summary>What the system knows for the contact form after a chat: codes only, nothing about the person.</summary>
/// <param name="Support">With a referral card sent in the chat: <c>advice-professional-help</c>.</param>
/// <param name="ProfessionalHelp">The kinds of the referral cards sent in the chat.</param>
/// <param name="Safety">After a visitor said they are in danger now: <c>acute</c>; after an urgent word: <c>concern</c> (the expert
/// decides; otherwise null, and the form asks: an unanswered field never reads as "no concerns").</param>
/// <param name="Urgent">Why the chat went first (<c>answer</c>, <c>words</c>, <c>waited</c>) or null: the console shows it on the form.</param>
public sealed record ContactPrefill(
    string ConversationId, DateTimeOffset OccurredAt, int DurationMinutes, string ContactType,
    string? Conversation, string? ContactSeeker, IReadOnlyList<string> ReferralSources,
    IReadOnlyList<string>? Support = null, IReadOnlyList<string>? ProfessionalHelp = null, string? Safety = null, string? Urgent = null);

/// <summary>Events the visitor's browser receives; the widget follows these names.</summary>
public interface IVisitorClient
{
    Task QueueUpdated(QueueUpdated e);
    Task ChatStarted(ChatStarted e);
    Task MessageReceived(MessageDto e);
    Task TypingChanged(TypingChanged e);
    Task ChatEnded(ChatEnded e);
    Task BackInQueue(BackInQueue e);
    Task Resync(Resync e);
    Task ExpertConnectionChanged(ExpertConnectionChanged e);
    /// <summary>The visitor waited past their project's overflowAfter (a visitor in danger at once) and a partner project
    /// has someone free: asked, never moved without a yes.</summary>
    Task OverflowOffered(OverflowOffer e);
}

/// <summary>Events the expert console receives.</summary>
public interface IExpertClient
{
    Task ChatAssigned(ChatAssigned e);
    Task MessageReceived(MessageDto e);
    Task TypingChanged(TypingChanged e);
    Task ChatEnded(ChatEnded e);
    Task QueueChanged(QueueChanged e);
    Task VisitorConnectionChanged(VisitorConnectionChanged e);
    Task AvailabilityChanged(AvailabilityResult e);
    Task Resync(Resync e);
    Task SignedOut(SignedOut e);
    Task FollowUpCodeIssued(FollowUpCodeIssued e);
}

/// <summary>Visitor hub <c>RequestFollowUpCode()</c>: a mailbox code for a follow-up (Mailbox/MailboxFollowUps.cs).</summary>
public sealed record FollowUpCode(string Code);

/// <summary>The chat's expert hears that its visitor took a follow-up code; they may keep a note on the thread.</summary>
public sealed record FollowUpCodeIssued(string ConversationId, string ThreadId);
