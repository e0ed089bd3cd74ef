using System.Data.Common;
using Chat.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Chat.Server.Mailbox;

/// <summary>
/// On SQLite every connection runs with <c>secure_delete</c>: a deleted letter's pages are overwritten with zeros, not
/// just marked free. Registered on the records context by <see cref="MailboxApi.AddMailbox"/>.
/// </summary>
public sealed class SecureDeleteInterceptor : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (connection is not SqliteConnection) return;
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA secure_delete = ON;";
        cmd.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (connection is not SqliteConnection) return;
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA secure_delete = ON;";
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}

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
