using Chat.Server.Scaleout;
using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Statistics;

/// <summary>
/// Hourly queue figures without any per-visitor record: requests, requests while closed, answered, abandoned,
/// and a histogram of waiting times. Each event adds one to a counter of its UTC hour (an upsert); nothing
/// about who asked is kept.
/// <para>
/// They are added up by a group commit (<see cref="GroupCommit{TItem,TResult}"/>): every increment waiting while a batch
/// is being written goes into the next transaction, and each caller's task completes when its increment is stored. A
/// chat's start and end count six to eight figures; one upsert a transaction made each of them its own commit (in SQLite
/// its own fsync), awaited one after another before the expert heard of the chat (docs/benchmarks.md, "Chats of the
/// product's size"). A batch that fails is tried again one increment at a time, so one bad increment costs only its own
/// count.
/// </para>
/// </summary>
public sealed class QueueCounters(IServiceScopeFactory scopes, ILogger<QueueCounters> logger)
{
    /// <summary>One event's statements (constant SQL, values as parameters).</summary>
    private sealed record Increment(string What, (string Sql, object[] Values)[] Statements);

    // The project's group commit (as the Redis appends'): one batch at a time, at most 256 increments in one transaction,
    // so one slow moment makes several short commits, not one long one. A batch that fails goes again one by one.
    private readonly GroupCommit<Increment, bool> _commits = new(async batch =>
    {
        // Off the calling thread at once: Microsoft.Data.Sqlite's async calls run synchronously, and the group commit sends
        // the next batch before the callers of the last one go on, so a commit here must not hold them up.
        await Task.Yield();
        if (!await CommitAsync(scopes, logger, batch, logFailure: batch.Count == 1) && batch.Count > 1)
            foreach (var increment in batch) await CommitAsync(scopes, logger, [increment], logFailure: true);
        return batch.Select(_ => true).ToList();
    }, maxBatch: 256);

    /// <summary>Stored when the task completes; a failure is logged (statistics never stop a chat) and the task still completes.</summary>
    private Task Add(string what, params (string Sql, object[] Values)[] statements) => _commits.RunAsync(new(what, statements));

    private static async Task<bool> CommitAsync(IServiceScopeFactory scopes, ILogger logger, IReadOnlyList<Increment> increments, bool logFailure)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            foreach (var increment in increments)
                foreach (var (sql, values) in increment.Statements)
                    await db.Database.ExecuteSqlRawAsync(sql, values);
            await transaction.CommitAsync();
            return true;
        }
        catch (Exception ex)
        {
            // Statistics never stop a chat; a lost count is logged.
            if (logFailure) logger.LogError(ex, "Could not count {Counters}", string.Join(", ", increments.Select(i => i.What)));
            return false;
        }
    }

    /// <summary>Upper bounds (seconds, inclusive) of the wait histogram's buckets; the last bucket is open.</summary>
    public static readonly int[] WaitBucketBounds =
        [15, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1200, 1800, 2700, 3600];

    public static int BucketOf(double seconds)
    {
        for (var i = 0; i < WaitBucketBounds.Length; i++) if (seconds <= WaitBucketBounds[i]) return i;
        return WaitBucketBounds.Length;
    }

    // Every figure is counted in the project of the visitor's widget (Tenancy).
    public Task RequestAsync(DateTimeOffset at, bool open, string project = Projects.Default) =>
        AddAsync(at, open ? "Requests" : "RequestsWhileClosed", null, project);

    public Task AnsweredAsync(DateTimeOffset at, TimeSpan waited, string project = Projects.Default) =>
        AddAsync(at, "Answered", BucketOf(waited.TotalSeconds), project);

    public Task AbandonedAsync(DateTimeOffset at, string project = Projects.Default) => AddAsync(at, "Abandoned", null, project);

    /// <summary>
    /// A visitor of <paramref name="from"/> who said yes to a partner was taken by an expert of <paramref name="to"/>: counted
    /// in both projects (out of the one, into the other). The request itself counts in the visitor's project only.
    /// </summary>
    public Task OverflowAsync(DateTimeOffset at, string from, string to) =>
        Task.WhenAll(AddAsync(at, "OverflowOut", null, from), AddAsync(at, "OverflowIn", null, to));

    /// <summary>A chat the expert ended with a block (abusive, threatening, prank): it needs no contact form.</summary>
    public Task BlockedAsync(DateTimeOffset at, string project = Projects.Default) => AddAsync(at, "Blocked", null, project);

    // One constant statement per counter: column names never come from input. Names are quoted: the same SQL
    // runs on SQLite and PostgreSQL (which would fold unquoted names to lower case).
    private static readonly Dictionary<string, string> Increments = new[] { "Requests", "RequestsWhileClosed", "Answered", "Abandoned", "Blocked", "OverflowOut", "OverflowIn" }
        .ToDictionary(c => c, c => $"UPDATE \"QueueHours\" SET \"{c}\" = \"{c}\" + 1 WHERE \"Project\" = {{1}} AND \"HourStart\" = {{0}};");

    private Task AddAsync(DateTimeOffset at, string column, int? waitBucket, string project)
    {
        var hour = HourOf(at);
        (string, object[]) row = ("INSERT INTO \"QueueHours\" (\"Project\", \"HourStart\", \"Requests\", \"RequestsWhileClosed\", \"Answered\", \"Abandoned\", \"Blocked\", " +
            "\"OverflowOut\", \"OverflowIn\") VALUES ({1}, {0}, 0, 0, 0, 0, 0, 0, 0) ON CONFLICT (\"Project\", \"HourStart\") DO NOTHING;", [hour, project]);
        (string, object[]) increment = (Increments[column], [hour, project]);
        return waitBucket is { } b
            ? Add(column, row, increment, ("INSERT INTO \"QueueWaits\" (\"Project\", \"HourStart\", \"Bucket\", \"Count\") VALUES ({2}, {0}, {1}, 1) " +
                "ON CONFLICT (\"Project\", \"HourStart\", \"Bucket\") DO UPDATE SET \"Count\" = \"QueueWaits\".\"Count\" + 1;", [hour, b, project]))
            : Add(column, row, increment);
    }

    /// <summary>
    /// An expert took a chat (assigned from the queue, taken urgently, or passed on to them by a colleague): the workload
    /// counts chats taken, also those that end without a form (blocked, ended by the system, transferred on).
    /// </summary>
    public Task TakenAsync(DateTimeOffset at, string expertId, string project = Storage.Projects.Default) =>
        Add("ChatsTaken", ("INSERT INTO \"ChatsTakenHours\" (\"Project\", \"ExpertId\", \"HourStart\", \"Count\") VALUES ({0}, {1}, {2}, 1) " +
            "ON CONFLICT (\"Project\", \"ExpertId\", \"HourStart\") DO UPDATE SET \"Count\" = \"ChatsTakenHours\".\"Count\" + 1;",
            [project, expertId, HourOf(at)]));

    /// <summary>
    /// A wait ended (the visitor was answered, or left): counted in the tier the visitor had then (danger, waited, normal),
    /// with the wait when answered. A chat put back in the queue is not counted again.
    /// </summary>
    public Task WaitEndedAsync(DateTimeOffset at, string tier, TimeSpan? answeredAfter, string project = Storage.Projects.Default)
    {
        var hour = HourOf(at);
        (string, object[]) tierRow = ("INSERT INTO \"TierHours\" (\"Project\", \"HourStart\", \"Priority\", \"Requests\", \"Answered\") VALUES ({0}, {1}, {2}, 1, {3}) " +
            "ON CONFLICT (\"Project\", \"HourStart\", \"Priority\") DO UPDATE SET \"Requests\" = \"TierHours\".\"Requests\" + 1, " +
            "\"Answered\" = \"TierHours\".\"Answered\" + {3};", [project, hour, tier, answeredAfter is null ? 0 : 1]);
        return answeredAfter is { } waited
            ? Add("Tier " + tier, tierRow, ("INSERT INTO \"TierWaits\" (\"Project\", \"HourStart\", \"Priority\", \"Bucket\", \"Count\") VALUES ({0}, {1}, {2}, {3}, 1) " +
                "ON CONFLICT (\"Project\", \"HourStart\", \"Priority\", \"Bucket\") DO UPDATE SET \"Count\" = \"TierWaits\".\"Count\" + 1;",
                [project, hour, tier, BucketOf(waited.TotalSeconds)]))
            : Add("Tier " + tier, tierRow);
    }

    public static long HourOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 3600 * 3600;
}

public sealed class QueueHour : Tenancy.IProjectRecord
{
    public string Project { get; set; } = Projects.Default;
    public long HourStart { get; set; }
    public int Requests { get; set; }
    public int RequestsWhileClosed { get; set; }
    public int Answered { get; set; }
    public int Abandoned { get; set; }
    public int Blocked { get; set; }
    /// <summary>Visitors of this project taken by a partner's expert after their yes (overflow), and the partners' taken here.</summary>
    public int OverflowOut { get; set; }
    public int OverflowIn { get; set; }
}

/// <summary>Chats an expert took in an hour (for the workload table; no chat, visitor or time finer than the hour).</summary>
public sealed class ChatsTakenHour : Tenancy.IProjectRecord
{
    public string Project { get; set; } = Storage.Projects.Default;
    public string ExpertId { get; set; } = "";
    public long HourStart { get; set; }
    public int Count { get; set; }
}

/// <summary>Per tier (danger, waited, normal): requests whose wait ended in the hour, and of those the answered ones.</summary>
public sealed class TierHour : Tenancy.IProjectRecord
{
    public string Project { get; set; } = Storage.Projects.Default;
    public long HourStart { get; set; }
    public string Priority { get; set; } = "";
    public int Requests { get; set; }
    public int Answered { get; set; }
}

public sealed class TierWait : Tenancy.IProjectRecord
{
    public string Project { get; set; } = Storage.Projects.Default;
    public long HourStart { get; set; }
    public string Priority { get; set; } = "";
    public int Bucket { get; set; }
    public int Count { get; set; }
}

public sealed class QueueWait : Tenancy.IProjectRecord
{
    public string Project { get; set; } = Projects.Default;
    public long HourStart { get; set; }
    public int Bucket { get; set; }
    public int Count { get; set; }
}
