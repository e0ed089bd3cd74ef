using Chat.Server.Storage;
using Chat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Storage;

/// <summary>
/// Every records connection on SQLite waits inside SQLite for another writer's lock (not Microsoft.Data.Sqlite's
/// 150 ms sleeps on a pool thread: the benchmark's figures are in docs/benchmarks.md) and zeroes deleted pages.
/// </summary>
public sealed class SqliteConnectionSetupTests
{
    [Fact]
    public async Task EveryRecordsConnectionWaitsForALockInsideSqliteAndZeroesWhatIsDeleted()
    {
        await using var app = new ChatApp();
        _ = app.Server;
        for (var i = 0; i < 2; i++) // a new connection and one from the pool alike
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
            await db.Database.OpenConnectionAsync();
            Assert.Equal(SqliteConnectionSetup.BusyTimeoutMs, await PragmaAsync(db, "busy_timeout"));
            Assert.Equal(1, await PragmaAsync(db, "secure_delete"));
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<long> PragmaAsync(RecordsDbContext db, string name)
    {
        await using var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = $"PRAGMA {name};";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
