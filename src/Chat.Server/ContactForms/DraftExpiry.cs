using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chat.Server.ContactForms;

/// <summary>
/// Drops the drafts of forms that nobody filled in, <see cref="ContactFormsOptions.DraftRetention"/> after their chat
/// ended: at start and then every <see cref="Interval"/>. On several nodes each one does it; a delete twice is harmless.
/// </summary>
public sealed partial class DraftExpiry(IServiceScopeFactory scopes, TimeProvider time, IOptionsMonitor<ContactFormsOptions> options,
    ILogger<DraftExpiry> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await DropExpiredAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                DropFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes the drafts whose retention has passed; returns how many.</summary>
    public async Task<int> DropExpiredAsync(CancellationToken ct = default)
    {
        // A draft keeps only the hour its chat ended in: it goes once the retention has passed since the end of that
        // hour, so never before the retention has passed since the chat really ended.
        var keep = options.CurrentValue.DraftRetention + TimeSpan.FromHours(1);
        var now = time.GetUtcNow();
        if (now - DateTimeOffset.UnixEpoch <= keep) return 0;
        var cutoff = now - keep;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        var dropped = await db.ContactDrafts.Where(d => d.EndedAt <= cutoff).ExecuteDeleteAsync(ct);
        if (dropped > 0) Dropped(logger, dropped);
        return dropped;
    }

    [LoggerMessage(1, LogLevel.Information, "Dropped {Count} contact form drafts that nobody filled in")]
    private static partial void Dropped(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Error, "Could not drop expired contact form drafts; retrying at the next tick")]
    private static partial void DropFailed(ILogger logger, Exception ex);
}
