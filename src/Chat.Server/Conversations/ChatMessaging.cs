using Chat.Server.Live;
using Chat.Server.Resources;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Server.Conversations;

/// <summary>
/// Messages and typing inside a running chat. A message is stored (in call order, once per client message id) before
/// it is acknowledged and then pushed to both sides; the store's append checks atomically that the chat is open and,
/// for an expert, still theirs.
/// </summary>
public sealed class ChatMessaging(
    ILiveStore store,
    ChatNotifier notify,
    TimeProvider time,
    IOptionsMonitor<ChatOptions> options,
    Operations.ChatMetrics metrics,
    Triage.UrgentWords urgentWords,
    ChatRouter router,
    QueueView queueView,
    ILogger<ChatMessaging> logger)
{
    /// <param name="placed">Called once the message is handed to the store (its place in the log is fixed).</param>
    public async Task<SendResult> VisitorSendAsync(ChatSession session, string clientMessageId, string text, Action? placed = null)
    {
        var (result, appended) = await SendCoreAsync(session.ConversationId, Senders.Visitor, clientMessageId, text, null, placed);
        // Written while waiting (no expert yet): an urgent word puts the visitor first and shows them 112. A resend is
        // checked again (a first try may have failed after the message was stored; marking twice changes nothing).
        if (appended.ExpertId is null) await TriageQueuedMessageAsync(appended.SessionId, text, session.Project);
        return result;
    }

    /// <summary>
    /// Only whether the text matched is known here; nothing of it is logged or counted. The message is stored and
    /// acknowledged whatever happens in here: a failure is logged (without text) and the send still succeeds.
    /// </summary>
    private async Task TriageQueuedMessageAsync(string sessionId, string text, string project)
    {
        try
        {
            if (!await urgentWords.MatchesAsync(text, project)) return;
            if (await store.TryMarkUrgentAsync(sessionId, Live.Urgency.Words) is not null)
            {
                await router.AfterChangeAsync();
                return;
            }
            // Not put first (another chat of this address is urgent already, or it already was): the visitor still sees
            // the 112 line if they are still waiting.
            if (await store.GetSessionAsync(sessionId) is { State: ChatState.Queued } waiting)
            {
                var (position, estimate) = await queueView.PositionAsync(waiting);
                await notify.Visitor(sessionId).QueueUpdated(new(position, estimate, Urgent: true));
            }
        }
        catch (Exception ex)
        {
            // The exception is the store's or the database's (the text is never part of a query or a key).
            logger.LogError(ex, "Could not check a waiting visitor's message for urgent words");
        }
    }

    /// <summary>One round trip to the store: the append itself checks that the chat is this expert's and still open.</summary>
    /// <param name="card">A referral card (SendReferral), stored with the message; <paramref name="text"/> is its text form.</param>
    public Task<SendResult> ExpertSendAsync(string expertId, string conversationId, string clientMessageId, string text, Action? placed = null,
        ReferralCard? card = null) =>
        SendAsync(conversationId, Senders.Expert, clientMessageId, text, expertId, placed, card);

    public async Task VisitorTypingAsync(ChatSession session, bool isTyping)
    {
        var current = await store.GetSessionAsync(session.SessionId);
        if (current is { State: ChatState.Active, ExpertId: not null })
            await notify.Expert(current.ExpertId).TypingChanged(new(current.ConversationId, Senders.Visitor, isTyping));
    }

    public Task ExpertTypingAsync(ChatSession session, bool isTyping) =>
        notify.Visitor(session.SessionId).TypingChanged(new(session.ConversationId, Senders.Expert, isTyping));

    public async Task<IReadOnlyList<MessageDto>> MessagesAsync(string conversationId) =>
        (await store.GetMessagesAsync(conversationId, 0)).Select(m => MessageDto.Of(conversationId, m)).ToList();

    /// <summary>The expert's own active conversation, or a HubException that says it is not theirs.</summary>
    public async Task<ChatSession> ExpertConversationAsync(string expertId, string conversationId)
    {
        var s = await store.FindByConversationAsync(conversationId);
        if (s is null || s.ExpertId != expertId)
            throw new HubException(HubTextResources.NotYours);
        if (s.State == ChatState.Ended)
            throw new HubException(HubTextResources.AlreadyEnded);
        return s;
    }

    /// <param name="assignedTo">An expert's send: stored only while the chat is with this expert (checked by the store,
    /// atomically with the append: a chat passed on a moment ago takes nothing more from its former expert).</param>
    private async Task<SendResult> SendAsync(string conversationId, string from, string clientMessageId, string text, string? assignedTo,
        Action? placed, ReferralCard? card = null) =>
        (await SendCoreAsync(conversationId, from, clientMessageId, text, assignedTo, placed, card)).Result;

    private async Task<(SendResult Result, AppendResult Appended)> SendCoreAsync(string conversationId, string from, string clientMessageId, string text,
        string? assignedTo, Action? placed, ReferralCard? card = null)
    {
        var o = options.CurrentValue;
        // The store takes the message in call order before its first await; after that, the next send may go.
        Task<AppendResult> append;
        try
        {
            append = store.AppendAsync(conversationId, from, clientMessageId, text, time.GetUtcNow(), assignedTo,
                new MessageLimits(o.MaxMessagesPerChat, o.VisitorMessagesPerMinute), card: card);
        }
        catch (Exception ex)
        {
            append = Task.FromException<AppendResult>(ex);
        }
        finally
        {
            placed?.Invoke();
        }
        AppendResult appended;
        try
        {
            appended = await append;
        }
        catch (Exception ex) when (ex is KeyNotFoundException or NotAssignedException && assignedTo is not null)
        {
            throw new HubException(HubTextResources.NotYours);
        }
        catch (Exception ex) when (ex is ConversationEndedException or KeyNotFoundException)
        {
            throw new HubException(HubTextResources.EndedNotSent);
        }
        catch (MessageLimitException ex) when (ex.Full)
        {
            throw new ChatRefusal("chat-full", HubTexts.Format(HubTextResources.ChatFull, o.MaxMessagesPerChat));
        }
        catch (MessageLimitException)
        {
            // "Try again": the widget keeps the message and sends it again (same id) a little later; nothing is lost.
            throw ChatRefusal.TryAgain("message-rate", HubTextResources.MessageRate);
        }
        var m = appended.Message;
        if (!appended.Duplicate)
        {
            // The expert as the append saw it: the chat may have been assigned since the caller looked.
            metrics.MessageStored(from);
            await notify.MessageReceived(appended.SessionId, appended.ExpertId, MessageDto.Of(conversationId, m));
        }
        return (new SendResult(m.Seq, m.SentAt), appended);
    }
}
