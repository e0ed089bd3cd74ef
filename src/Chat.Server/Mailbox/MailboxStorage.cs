using Chat.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Mailbox;

public static class MailboxErasure
{
    /// <summary>
    /// Deletes threads with their letters, answers and note in one transaction; on SQLite then moves the write-ahead log
    /// into the database and empties it, so the deleted pages (zeroed by secure_delete) are the only copy left.
    /// </summary>
    public static async Task<int> DeleteAsync(RecordsDbContext db, IQueryable<MailboxThread> threads, CancellationToken ct = default)
    {
        int deleted;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var ids = threads.Select(t => t.Id);
            await db.MailboxMessages.Where(m => ids.Contains(m.ThreadId)).ExecuteDeleteAsync(ct);
            deleted = await threads.ExecuteDeleteAsync(ct);
            await tx.CommitAsync(ct);
        }
        if (deleted > 0 && db.Database.IsSqlite())
        {
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", ct);
            }
            catch (SqliteException)
            {
                // Busy: the next delete or SQLite's own checkpoint moves it; the pages are zeroed already.
            }
        }
        return deleted;
    }
}
