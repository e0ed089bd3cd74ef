namespace Chat.Server.Statistics;

// Wire shapes of the statistics (contract in docs/contract.md). Tables keep the order of the codes.

public sealed record StatisticsReport(string From, string To, string? Week, int Contacts,
    IReadOnlyDictionary<string, StatTable> Tables, ChatFigures Chat, FeedbackFigures? Feedback = null, TriageFigures? Triage = null,
    MailboxFigures? Mailbox = null);

/// <summary>The anonymous mailbox: letters received and answered, time to an answer in whole hours, threads closed (spam, abuse).</summary>
public sealed record MailboxFigures(int LettersReceived, int LettersAnswered, int? MedianAnswerHours, int? P80AnswerHours, int Closed);

/// <summary>
/// Triage: per tier (danger, waited, normal) the requests whose wait ended in the period, the answered ones and their
/// waits; and per reason a chat went first, the forms' safety answers (codes only: a coordinator tunes the urgent words
/// with it; no word is ever counted).
/// </summary>
public sealed record TriageFigures(IReadOnlyList<TierFigures> Tiers, IReadOnlyList<ReasonSafety> Reasons);
public sealed record TierFigures(string Priority, string Label, int Requests, int Answered, int? MedianWaitSeconds, int? P90WaitSeconds);
/// <param name="Safety">Forms of the period with this reason, by their safety code (none, concern, acute).</param>
public sealed record ReasonSafety(string Reason, string Label, int Contacts, IReadOnlyDictionary<string, int> Safety);

/// <summary>Visitors' answers after the chat: how many, the average mark (1..10), and "did it help".</summary>
public sealed record FeedbackFigures(int Responses, double? AverageScore, HelpedSplit Helped);
public sealed record HelpedSplit(int Yes, int Somewhat, int No);

public sealed record StatTable(string Label, bool Multiple, int N, int Unknown, IReadOnlyList<StatRow> Rows);

public sealed record StatRow(string Key, string Label, int Count, int Percent);

/// <param name="Overflow">Several projects: visitors of this project taken by a partner's expert after their yes (<c>out</c>),
/// and a partner's taken here (<c>in</c>).</param>
public sealed record ChatFigures(int Requests, int Answered, int Abandoned, int? MedianWaitSeconds, int FormsMissing,
    int RequestsWhileClosed, int? P90WaitSeconds, int Blocked, OverflowFigures? Overflow = null);

public sealed record OverflowFigures(int Out, int In);

public sealed record TrendPoint(string Week, string From, string To, int Contacts, int Requests, int Answered, int Abandoned);

/// <summary>Monday-first days by 24 local hours: chat requests and expert-hours on shift.</summary>
public sealed record HeatMap(string From, string To, int[][] Requests, int[][] RequestsWhileClosed, double[][] StaffedHours);

/// <param name="ShiftHours">Hours really on shift (available, paused or in chats) in the period.</param>
/// <param name="PlannedHours">Hours planned in the roster in the period (shifts clipped to it).</param>
/// <param name="Chats">Contact forms of website chats filed (forms); <paramref name="ChatsTaken"/> counts the chats taken.</param>
/// <param name="ChatsTaken">Chats the expert took (from the queue, urgently, or passed on to them), with or without a form.</param>
public sealed record ExpertWorkload(string ExpertId, string DisplayName, int Contacts, int Chats, int ChatMinutes,
    int OtherContactMinutes, int FormsMissing, double ShiftHours, double PlannedHours, int ChatsTaken = 0);
