using System.Security.Claims;
using Chat.Server.Accounts;
using Chat.Server.ContactForms;
using Chat.Server.Resources;
using Chat.Server.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chat.Server.Conversations;

/// <summary>The expert console's hub: signed-in experts and coordinators only.</summary>
[Authorize(Roles = Roles.ExpertOrCoordinator)]
public sealed class ExpertHub(Presence presence, ChatLifecycle lifecycle, ChatMessaging messaging, ChatRouter router, QueueView queue, UserManager<ChatUser> users, RecordsDbContext db, IOptionsMonitor<ChatOptions> options,
    InvocationTurn turn, ExpertConnections connections, Wellbeing.Debriefs debriefs, Mailbox.MailboxFollowUps followUps,
    Tenancy.ProjectDirectory projects)
    : Hub<IExpertClient>
{
    private const string IdentityKey = "expert";

    public override async Task OnConnectedAsync()
    {
        var user = await users.GetUserAsync(Context.User!) ?? throw new HubException(HubTextResources.AccountNotFound);
        if (user.Disabled) throw new HubException(HubTextResources.AccountDisabled);
        connections.Add(user.Id, Context);
        var identity = new ExpertIdentity(user.Id, user.DisplayName, user.Experience, Math.Max(1, user.MaxChats), user.Gender, user.LanguageList, user.ProjectList);
        Context.Items[IdentityKey] = identity;
        await Groups.AddToGroupAsync(Context.ConnectionId, ChatNotifier.ExpertGroup(user.Id));
        await Groups.AddToGroupAsync(Context.ConnectionId, ChatNotifier.AllExperts);
        await presence.ExpertConnectedAsync(identity);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(IdentityKey, out var v) && v is ExpertIdentity e)
        {
            connections.Remove(e.Id, Context.ConnectionId);
            await presence.ExpertDisconnectedAsync(e.Id);
        }
        await base.OnDisconnectedAsync(exception);
    }

    public async Task<AvailabilityResult> SetAvailability(string? availability) =>
        new(await presence.SetAvailabilityAsync(Me, ChatValidation.Availability(availability)));

    public async Task<ExpertState> GetState() =>
        await presence.GetStateAsync(Me.Id, await ContactDrafts.PendingAsync(db, Me.Id));

    public async Task<SendResult> SendMessage(string? conversationId, string? clientMessageId, string? text)
    {
        ChatValidation.ConversationId(conversationId);
        ChatValidation.Message(clientMessageId, text, options.CurrentValue.MaxMessageLength);
        return await messaging.ExpertSendAsync(Me.Id, conversationId!, clientMessageId!, text!, turn.End);
    }

    /// <summary>
    /// Sends a referral card: a message like any other, its text the card's plain-text form, the card stored with it.
    /// The append checks atomically that the chat is this expert's and still open; an unknown card sends nothing.
    /// </summary>
    public async Task<SendResult> SendReferral(string? conversationId, string? clientMessageId, long referralId)
    {
        ChatValidation.ConversationId(conversationId);
        ChatValidation.Message(clientMessageId, "card", options.CurrentValue.MaxMessageLength);
        var referral = await db.Referrals.AsNoTracking().FirstOrDefaultAsync(r => r.Id == referralId)
                       ?? throw new HubException(HubTextResources.ReferralGone);
        var card = referral.Card();
        return await messaging.ExpertSendAsync(Me.Id, conversationId!, clientMessageId!, Replies.Referral.TextOf(card), turn.End, card);
    }

    public async Task Typing(string? conversationId, bool isTyping)
    {
        ChatValidation.ConversationId(conversationId);
        await messaging.ExpertTypingAsync(await messaging.ExpertConversationAsync(Me.Id, conversationId!), isTyping);
    }

    /// <summary>Passes the chat on to a colleague: the visitor goes to the front of the queue with the history.</summary>
    public async Task TransferChat(string? conversationId)
    {
        ChatValidation.ConversationId(conversationId);
        await lifecycle.TransferAsync(await messaging.ExpertConversationAsync(Me.Id, conversationId!));
    }

    /// <summary>Ends an abusive, threatening or prank chat and keeps that visitor's address out for a while.</summary>
    public async Task<BlockResult> BlockVisitor(string? conversationId, string? reason)
    {
        ChatValidation.ConversationId(conversationId);
        var code = ChatValidation.BlockReason(reason);
        return await lifecycle.BlockAsync(await messaging.ExpertConversationAsync(Me.Id, conversationId!), Me, code);
    }

    /// <summary>
    /// Takes the visitor in danger who waited longest, though this expert is in a cool-down, paused or at the end of a
    /// shift (their own choice, one click). The chat as <c>ChatAssigned</c> also tells it, or null when someone else was
    /// faster or nobody in danger waits.
    /// </summary>
    public async Task<ChatAssigned?> TakeUrgent()
    {
        var s = await router.TakeUrgentAsync(Me.Id);
        if (s is null) return null;
        var messages = await messaging.MessagesAsync(s.ConversationId);
        var visitor = await SessionViews.VisitorInfoOf(s, s.StartedAt!.Value, queue.Rules).WithNoteAsync(s, followUps).WithProjectAsync(s, projects);
        return new ChatAssigned(s.ConversationId, visitor, s.StartedAt.Value, messages);
    }

    /// <summary>"Ik ben er klaar voor": ends the pause after a chat early.</summary>
    public Task EndCoolDown() => presence.EndCoolDownAsync(Me.Id);

    /// <summary>Addition to the contract: whether the waiting visitors can be this expert's, and if not, why.</summary>
    public Task<QueueStatus> GetQueueStatus() => queue.StatusForAsync(Me.Id);

    /// <summary>"Dit gesprek was zwaar": the coordinator sees who asked to talk it through, and when; nothing of the chat.</summary>
    public async Task<DebriefResult> RequestDebrief(string? conversationId = null)
    {
        if (conversationId is not null) ChatValidation.ConversationId(conversationId);
        return await debriefs.RequestAsync(Me.Id, Me.Projects is { Count: > 0 } mine ? mine[0] : Storage.Projects.Default);
    }

    public async Task EndChat(string? conversationId)
    {
        ChatValidation.ConversationId(conversationId);
        await lifecycle.EndByExpertAsync(await messaging.ExpertConversationAsync(Me.Id, conversationId!));
    }

    private ExpertIdentity Me => (ExpertIdentity)Context.Items[IdentityKey]!;
}
