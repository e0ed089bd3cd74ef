using System.Runtime.CompilerServices;
using Chat.Server.ContactForms;
using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Chat.Server.Statistics;

/// <summary>
/// New contact forms add to the daily counts (<see cref="ContactAggregates"/>) in the transaction that stores them, so
/// the statistics never drift; Storage itself knows nothing of this. Registered on the records context by
/// <see cref="StatisticsApi.AddStatistics"/>; one instance serves every context (the state of a save is kept per context).
/// </summary>
public sealed class ContactCountsInterceptor(ReportingZone zone) : SaveChangesInterceptor
{
    /// <summary>The forms of a save in progress, and the transaction this interceptor began for it (none inside the caller's).</summary>
    private sealed record Pending(List<ContactForm> Forms, IDbContextTransaction? Own);

    private readonly ConditionalWeakTable<DbContext, Pending> _saving = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        eventData.Context is { } db && Added(db).Count > 0
            ? throw new NotSupportedException("Save contact forms with SaveChangesAsync: it keeps the statistics' daily counts.")
            : result;

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is RecordsDbContext db && Added(db) is { Count: > 0 } forms)
        {
            var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
            _saving.AddOrUpdate(db, new Pending(forms, own));
        }
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is RecordsDbContext db && Take(db) is { } pending)
        {
            try
            {
                await ContactAggregates.AddAsync(db, pending.Forms, zone, cancellationToken);
                if (pending.Own is not null) await pending.Own.CommitAsync(cancellationToken);
            }
            finally
            {
                if (pending.Own is not null) await pending.Own.DisposeAsync();
            }
        }
        return result;
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) =>
        await AbandonAsync(eventData.Context);

    public override async Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default) =>
        await AbandonAsync(eventData.Context);

    /// <summary>The save failed: the transaction begun for it is rolled back, so the context can go on (e.g. to read the winner of a race).</summary>
    private async Task AbandonAsync(DbContext? db)
    {
        if (db is not null && Take(db) is { Own: { } own }) await own.DisposeAsync();
    }

    private Pending? Take(DbContext db) => _saving.TryGetValue(db, out var p) && _saving.Remove(db) ? p : null;

    private static List<ContactForm> Added(DbContext db) =>
        db.ChangeTracker.Entries<ContactForm>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
}
