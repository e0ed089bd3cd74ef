using Chat.Server.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Server.Mailbox;

/// <summary>
/// Deletes threads, with their letters, answers and note, <see cref="MailboxOptions.Retention"/> after their last
/// letter, answer or chat (kept to the hour, so at most an hour later): at start and every
/// <see cref="MailboxOptions.SweepInterval"/>. Visitors and experts no longer see such a thread even before the sweep.
/// </summary>
public sealed partial class MailboxRetention(IServiceScopeFactory scopes, TimeProvider time, IOptionsMonitor<MailboxOptions> options,
    ILogger<MailboxRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.CurrentValue.SweepInterval, time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                SweepFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes the threads past their retention; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        if (now - DateTimeOffset.UnixEpoch <= options.CurrentValue.Retention + TimeSpan.FromHours(1)) return 0;
        var cutoff = MailboxApi.RetentionCutoff(now, options.CurrentValue);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        var deleted = await MailboxErasure.DeleteAsync(db, db.MailboxThreads.Where(t => t.LastActivityAt <= cutoff), ct);
        if (deleted > 0) Deleted(logger, deleted);
        return deleted;
    }

    [LoggerMessage(1, LogLevel.Information, "Deleted {Count} mailbox threads past their retention")]
    private static partial void Deleted(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Error, "Could not delete mailbox threads past their retention; retrying at the next tick")]
    private static partial void SweepFailed(ILogger logger, Exception ex);
}
