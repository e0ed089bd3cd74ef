namespace Chat.Server.Mailbox;

/// <summary>
/// A mailbox thread: one visitor's letters and the experts' answers, found only through the keyed hash of its code.
/// Times are to the hour. The visitor's answers (about, preferences, language, referral, in danger) are codes, as in a
/// chat; letters, answers and the note are in <see cref="MailboxMessage"/> and <see cref="NoteCipher"/>, encrypted.
/// </summary>
public sealed class MailboxThread : Tenancy.IProjectRecord
{
    public string Id { get; set; } = "";
    public string Project { get; set; } = MailboxThreads.DefaultProject;
    /// <summary>HMAC-SHA256 of the code under <c>Mailbox:CodeKey</c> (base64); the code itself is never stored.</summary>
    public string CodeHash { get; set; } = "";
    public string Status { get; set; } = MailboxThreads.Waiting;
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The hour of the last letter, answer or chat: retention counts from here.</summary>
    public DateTimeOffset LastActivityAt { get; set; }
    /// <summary>The hour of the first letter not yet answered (null when answered): the order of the list, the answer time.</summary>
    public DateTimeOffset? WaitingSince { get; set; }
    public bool InDanger { get; set; }
    /// <summary>A letter of the thread held an urgent word (Triage:UrgentWords): first in the experts' list. Never which.</summary>
    public bool UrgentWord { get; set; }
    public string About { get; set; } = "unspecified";
    public string PreferredExperience { get; set; } = "any";
    public string PreferredGender { get; set; } = "any";
    public string Language { get; set; } = "nl";
    public string? Referral { get; set; }
    public int Letters { get; set; }
    public int Answers { get; set; }
    public string? ClaimedBy { get; set; }
    public DateTimeOffset? ClaimedUntil { get; set; }
    /// <summary>The expert of the last answer or chat (a follow-up prefers them).</summary>
    public string? LastExpertId { get; set; }
    /// <summary>That expert's own short note (Data Protection, purpose <c>mailbox</c>); shown to them only.</summary>
    public string? NoteCipher { get; set; }
    public string? NoteBy { get; set; }
    /// <summary>A follow-up code's chat (one code per chat); null for a letter.</summary>
    public string? FromConversationId { get; set; }
}

/// <summary>A letter or an answer; <see cref="Cipher"/> is the text protected with Data Protection (purpose <c>mailbox</c>).</summary>
public sealed class MailboxMessage : Tenancy.IProjectRecord
{
    public long Id { get; set; }
    public string ThreadId { get; set; } = "";
    public string Project { get; set; } = MailboxThreads.DefaultProject;
    /// <summary><c>visitor</c> or <c>expert</c>.</summary>
    public string From { get; set; } = "";
    public string? ExpertId { get; set; }
    /// <summary>The answering expert's display name as the visitor saw it.</summary>
    public string? DisplayName { get; set; }
    public string Cipher { get; set; } = "";
    public DateTimeOffset SentAt { get; set; }
}

/// <summary>
/// Counts for the statistics and the honest <c>answerExpected</c>, kept after a thread is gone: a letter received, an
/// answer with the hours it took, a thread closed. No thread id, no text: nothing links a row to a visitor.
/// </summary>
public sealed class MailboxEvent : Tenancy.IProjectRecord
{
    public long Id { get; set; }
    public string Project { get; set; } = MailboxThreads.DefaultProject;
    /// <summary><c>letter</c>, <c>answer</c> or <c>closed</c>.</summary>
    public string Kind { get; set; } = "";
    public DateTimeOffset At { get; set; }
    /// <summary>For an answer: whole hours from the letter's hour to the answer's (at least 1).</summary>
    public int Hours { get; set; }
}

public static class MailboxThreads
{
    public const string DefaultProject = Storage.Projects.Default; // one project today; every row carries it
    /// <summary>A follow-up code's thread has no letter yet: <c>idle</c> (the visitor sees "waiting"; not in the experts' list).</summary>
    public const string Waiting = "waiting", Answered = "answered", Idle = "idle";
    public const string Letter = "letter", Answer = "answer", Closed = "closed";
    public const string FromVisitor = "visitor", FromExpert = "expert";
    public const int MaxText = 4000, MaxNote = 500, MaxLettersPerThread = 20;
    /// <summary>The per-address window of code checks (open, write, delete, StartChat({ code })).</summary>
    public const string ChecksMarker = "mailbox:checks:";
}
