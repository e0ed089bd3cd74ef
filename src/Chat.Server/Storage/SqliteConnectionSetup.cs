using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Chat.Server.Storage;

/// <summary>
/// What every SQLite connection of the records context runs with (registered by <see cref="StorageExtensions.AddRecords"/>
/// for SQLite only):
/// <list type="bullet">
/// <item><c>busy_timeout</c>: a writer that finds another writer's lock waits inside SQLite, in steps of 1 to 100 ms, and
/// goes on as soon as the lock is free. Without it SQLite answers "busy" at once and Microsoft.Data.Sqlite tries the
/// statement again after <c>Thread.Sleep(150)</c>, on a thread-pool thread: two writes meeting (the queue counters'
/// commit and a contact-form draft at a chat's end) cost the second one 150 ms and a blocked thread on a two-core
/// server (docs/benchmarks.md, "SQLite's 150 ms"). The library's own limit (the command timeout, 30 s) still ends a wait
/// that never ends.</item>
/// <item><c>secure_delete</c> (the mailbox): a deleted letter's pages are overwritten with zeros, not only marked free.</item>
/// </list>
/// </summary>
public sealed class SqliteConnectionSetup : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSetup Instance = new();

    /// <summary>How long a write waits inside SQLite for another writer's lock before the library's own retries take over.</summary>
    public const int BusyTimeoutMs = 5000;

    private static readonly string Pragmas = $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA secure_delete = ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        cmd.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = Pragmas;
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
