using Chat.Server.Conversations;
using Chat.Server.Live;
using Chat.Server.Resources;
using Chat.Server.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chat.Server.Mailbox;

/// <summary>
/// Follow-up codes by chat: at the end of a chat with an expert the visitor may ask for a code (once per chat, within
/// the grace period). The code opens a thread without letters, whose last activity is the chat's end and whose expert is
/// the chat's; that expert hears <c>FollowUpCodeIssued</c> and may keep a note on it (<c>POST .../note</c>). The thread
/// is a mailbox thread like any other: the visitor may write into it, and retention counts from the chat's end.
/// </summary>
public sealed class MailboxFollowUps(IServiceScopeFactory scopes, MailboxSecrets secrets, ChatNotifier notifier, TimeProvider time,
    IOptionsMonitor<ChatOptions> chat, IOptionsMonitor<MailboxOptions> mailbox, Abuse.IAbuseStore abuse, MailboxMetrics metrics)
{
    /// <summary>
    /// <c>StartChat({ code })</c>: whether the code opens a thread. It shares the address's code checks with open, write
    /// and delete; a mistyped code counts nowhere, a wrong one counts in <c>chat.mailbox.code_failures</c>.
    /// </summary>
    public async Task<bool> IsKnownCodeAsync(string code, Abuse.ClientAddress? address) => await FindByCodeAsync(code, address) is not null;

    /// <summary>The thread a code opens, with the expert of its last chat or answer (a follow-up prefers them), or null.</summary>
    public async Task<(string ThreadId, string? ExpertId)?> FindByCodeAsync(string code, Abuse.ClientAddress? address)
    {
        if (MailboxCode.Normalise(code) is not { } normalised) return null;
        var now = time.GetUtcNow();
        var o = mailbox.CurrentValue;
        if (await abuse.CountInWindowAsync(MailboxThreads.ChecksMarker + (address?.Hash ?? "unknown"), TimeSpan.FromHours(1), now) > o.CodeChecksPerAddressPerHour)
            return null;
        var hash = await secrets.HashAsync(normalised);
        var cutoff = MailboxApi.RetentionCutoff(now, o);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        var found = await db.MailboxThreads.AsNoTracking().Where(t => t.CodeHash == hash && t.LastActivityAt > cutoff)
            .Select(t => new { t.Id, t.LastExpertId }).FirstOrDefaultAsync();
        if (found is not null) return (found.Id, found.LastExpertId);
        metrics.CodeFailed();
        return null;
    }

    /// <summary>The expert's own note on a follow-up's thread, for them only (null for anyone else, or none).</summary>
    public async Task<string?> NoteForAsync(string threadId, string expertId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        var t = await db.MailboxThreads.AsNoTracking().Where(x => x.Id == threadId).Select(x => new { x.NoteBy, x.NoteCipher }).FirstOrDefaultAsync();
        return t is { NoteCipher: { } cipher } && t.NoteBy == expertId ? secrets.Unprotect(cipher) : null;
    }

    /// <returns>The code, shown once.</returns>
    public async Task<string> IssueAsync(ChatSession? session)
    {
        if (session is null || session.State != ChatState.Ended || session.ExpertId is not { } expertId)
            throw new HubException(HubTextResources.FollowUpNoChat);
        var now = time.GetUtcNow();
        var endedAt = session.EndedAt ?? now;
        if (now - endedAt > chat.CurrentValue.GracePeriod) throw new HubException(HubTextResources.FollowUpTooLate);

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        if (await db.MailboxThreads.AnyAsync(t => t.FromConversationId == session.ConversationId))
            throw new HubException(HubTextResources.FollowUpGiven);
        var code = MailboxCode.New();
        var hour = MailboxApi.Hour(endedAt);
        var thread = new MailboxThread
        {
            Id = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant(),
            CodeHash = await secrets.HashAsync(MailboxCode.Normalise(code)!), Status = MailboxThreads.Idle, CreatedAt = hour,
            LastActivityAt = hour, InDanger = session.Visitor.InDanger == true, About = session.Visitor.About,
            PreferredExperience = session.Visitor.PreferredExperience, PreferredGender = session.Visitor.PreferredGender,
            Language = session.Visitor.Language, Referral = session.Visitor.Referral, LastExpertId = expertId,
            FromConversationId = session.ConversationId,
            // The letters with this code go to the project whose expert had the chat (a partner's, after an overflow).
            Project = session.ProjectOfExpert((await scope.ServiceProvider.GetRequiredService<Live.ILiveStore>().GetPresenceAsync(expertId))?.Projects),
        };
        db.MailboxThreads.Add(thread);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Asked twice at once: the unique conversation id let one through.
            throw new HubException(HubTextResources.FollowUpGiven);
        }
        await notifier.Expert(expertId).FollowUpCodeIssued(new FollowUpCodeIssued(session.ConversationId, thread.Id));
        return code;
    }
}
