using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Storage;

/// <summary>
/// The records schema, versioned by hand (no EF migrations tooling is available here).
/// Version 1 is created from the model on first start; later versions append steps to <see cref="Steps"/>,
/// each a plain SQL script applied once and recorded in the SchemaVersion table.
/// </summary>
public static class RecordsSchema
{
    public const int Current = 12;

    /// <summary>Tables a step adds: a database at an earlier version lacks them and is not taken for an early build's.</summary>
    private static readonly IReadOnlyDictionary<int, string[]> TablesAddedBy = new Dictionary<int, string[]>
    {
        [4] = ["PlannedShifts", "DebriefRequests", "FeedbackDays"],
        [5] = ["Replies", "Referrals"],
        [7] = ["CodeChecks"],
        [9] = ["TierHours", "TierWaits", "TriageWordLists"],
        [10] = Mailbox.MailboxModel.Tables,
        [11] = ["Projects"],
        [12] = ["ChatsTakenHours"],
    };

    /// <summary>The tables that got their Project column in step 11 (tests faking an older database drop it again).</summary>
    public static readonly string[] ProjectColumnAddedBy11 = ["ContactForms", "ContactDrafts", "Replies", "Referrals", "PlannedShifts", "DebriefRequests"];

    /// <summary>The tables of counts whose key gained the project in step 11 (made anew, their rows kept in "default").</summary>
    public static readonly string[] CountsRebuiltBy11 = ["QueueHours", "QueueWaits", "FeedbackDays", "ContactDayCounts"];

    // Steps from version N-1 to N, for N >= 2. Keep them small and additive. A step that adds tables takes their
    // CREATE statements from the model's own script for the provider (see TablesOfModel), so SQLite and PostgreSQL
    // get exactly what a new database gets.
    private static readonly IReadOnlyDictionary<int, Func<RecordsDbContext, string>> Steps = new Dictionary<int, Func<RecordsDbContext, string>>
    {
        // 2: chats ended with a block (abuse resistance), counted per hour like the other queue figures.
        [2] = _ => "ALTER TABLE \"QueueHours\" ADD COLUMN \"Blocked\" INTEGER NOT NULL DEFAULT 0;",
        // 3: disabled accounts as a state of their own (before: a lockout until the end of time; moved at start by AccountSeeder).
        [3] = _ => "ALTER TABLE \"AspNetUsers\" ADD COLUMN \"Disabled\" BOOLEAN NOT NULL DEFAULT FALSE;",
        // 4: the roster, matching on gender and language, debrief requests and visitors' feedback (per day only).
        [4] = db => "ALTER TABLE \"AspNetUsers\" ADD COLUMN \"Gender\" VARCHAR(16) NOT NULL DEFAULT 'unspecified';\n" +
                    "ALTER TABLE \"AspNetUsers\" ADD COLUMN \"Languages\" VARCHAR(64) NOT NULL DEFAULT 'nl';\n" +
                    TablesOfModel(db, TablesAddedBy[4]),
        // 5: canned replies and referral cards; a draft remembers the help a card in the chat advised.
        [5] = db => "ALTER TABLE \"ContactDrafts\" ADD COLUMN \"Support\" INTEGER NOT NULL DEFAULT 0;\n" +
                    "ALTER TABLE \"ContactDrafts\" ADD COLUMN \"ProfessionalHelp\" INTEGER NOT NULL DEFAULT 0;\n" +
                    TablesOfModel(db, TablesAddedBy[5]),
        // 6: records keep times to the hour only: forms' creation and drafts' end times were kept to the second.
        [6] = _ => "UPDATE \"ContactForms\" SET \"CreatedAt\" = \"CreatedAt\" - \"CreatedAt\" % 3600;\n" +
                   "UPDATE \"ContactDrafts\" SET \"EndedAt\" = \"EndedAt\" - \"EndedAt\" % 3600;",
        // 7: second-factor codes: one limit of wrong codes per account, and the last accepted TOTP step. (IF NOT EXISTS:
        // a database whose version row was set back by hand keeps the table it has.)
        [7] = db => TablesOfModel(db, TablesAddedBy[7]).Replace("CREATE TABLE \"", "CREATE TABLE IF NOT EXISTS \"", StringComparison.Ordinal),
        // 8: triage: a draft remembers that the visitor said they were in danger (safety pre-filled "acute").
        [8] = _ => "ALTER TABLE \"ContactDrafts\" ADD COLUMN \"Safety\" VARCHAR(16) NULL;",
        // 9: triage: waits per tier, the coordinator's urgent words, and why a chat went first on its draft and form.
        [9] = db => "ALTER TABLE \"ContactDrafts\" ADD COLUMN \"Urgent\" VARCHAR(16) NULL;\n" +
                    "ALTER TABLE \"ContactForms\" ADD COLUMN \"Urgent\" VARCHAR(16) NULL;\n" +
                    TablesOfModel(db, TablesAddedBy[9]),
        // 10: the anonymous mailbox: threads, letters and answers (encrypted), counts; a draft knows its contact type
        // (null: website-chat), and the form's contact type takes "anonymous-mailbox" (17 characters; SQLite has no lengths).
        [10] = db => "ALTER TABLE \"ContactDrafts\" ADD COLUMN \"ContactType\" VARCHAR(32) NULL;\n" +
                     (db.Database.IsNpgsql() ? "ALTER TABLE \"ContactForms\" ALTER COLUMN \"ContactType\" TYPE VARCHAR(32);\n" : "") +
                     TablesOfModel(db, TablesAddedBy[10]),
        // 11: several projects on one installation: the projects, an account's projects, and the project of every record
        // that had none (all of them the project "default": an upgraded installation is that one project; ProjectSeeder
        // makes its row).
        [11] = db => "ALTER TABLE \"AspNetUsers\" ADD COLUMN \"Projects\" VARCHAR(1000) NOT NULL DEFAULT 'default';\n" +
                     // (a table an earlier step made from today's model has it already)
                     string.Concat(ProjectColumnAddedBy11.Where(t => !HasColumn(db, t, "Project"))
                         .Select(t => $"ALTER TABLE \"{t}\" ADD COLUMN \"Project\" VARCHAR(40) NOT NULL DEFAULT 'default';\n")) +
                     "CREATE INDEX \"IX_ContactForms_Project_OccurredAt\" ON \"ContactForms\" (\"Project\", \"OccurredAt\");\n" +
                     string.Concat(CountsRebuiltBy11.Select(t => RebuildWithProject(db, t))) +
                     TablesOfModel(db, TablesAddedBy[11]),
        // 12: the workload counts chats taken (per expert and hour), not only the forms filed; an account whose first password
        // an administrator set must choose its own at the first sign-in.
        [12] = db => "ALTER TABLE \"AspNetUsers\" ADD COLUMN \"MustChangePassword\" BOOLEAN NOT NULL DEFAULT FALSE;\n" +
                     TablesOfModel(db, TablesAddedBy[12]),
    };



    /// <summary>
    /// A table made anew from the model (its key changed), its rows copied over with the project "default": a copy
    /// without constraints first, so SQLite and PostgreSQL need no ALTER of a primary key.
    /// </summary>
    private static string RebuildWithProject(RecordsDbContext db, string table)
    {
        var entity = db.Model.GetEntityTypes().Single(e => e.GetTableName() == table);
        // The columns the old table has (a column new in this version takes its default).
        var columns = entity.GetProperties().Select(p => p.GetColumnName()).Where(c => c != "Project" && HasColumn(db, table, c))
            .Select(c => $"\"{c}\"").ToList();
        var list = string.Join(", ", columns);
        return $"CREATE TABLE \"{table}_before11\" AS SELECT {list} FROM \"{table}\";\n" +
               $"DROP TABLE \"{table}\";\n" +
               TablesOfModel(db, table) + "\n" +
               $"INSERT INTO \"{table}\" (\"Project\", {list}) SELECT 'default', {list} FROM \"{table}_before11\";\n" +
               $"DROP TABLE \"{table}_before11\";\n";
    }

    /// <summary>Whether the table has the column (names from this file, never from input; in the step's transaction).</summary>
    private static bool HasColumn(RecordsDbContext db, string table, string column) =>
        db.Database.SqlQueryRaw<int>(db.Database.IsNpgsql()
            ? $"SELECT COUNT(*)::int AS \"Value\" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' AND column_name = '{column}'"
            : $"SELECT COUNT(*) AS \"Value\" FROM pragma_table_info('{table}') WHERE name = '{column}'").AsEnumerable().First() > 0;

    /// <summary>The CREATE TABLE and CREATE INDEX statements of these tables from the model's script for this provider.</summary>
    private static string TablesOfModel(RecordsDbContext db, params string[] tables)
    {
        var statements = db.Database.GenerateCreateScript().Split(";", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var picked = statements.Where(st => tables.Any(t =>
            st.StartsWith($"CREATE TABLE \"{t}\"", StringComparison.Ordinal) ||
            (st.StartsWith("CREATE ", StringComparison.Ordinal) && st.Contains($" ON \"{t}\" (", StringComparison.Ordinal)))).ToList();
        if (picked.Count(st => st.StartsWith("CREATE TABLE", StringComparison.Ordinal)) != tables.Length)
            throw new InvalidOperationException("The model's create script lacks a table of the schema step: " + string.Join(", ", tables));
        return string.Join(";\n", picked) + ";";
    }

    /// <summary>
    /// On PostgreSQL, several nodes may start at once against one database: the start-up work (schema, seeding)
    /// runs under a session advisory lock, one node at a time. On SQLite (one node) this is a no-op.
    /// </summary>
    public static async Task<IAsyncDisposable> StartupLockAsync(RecordsDbContext db, CancellationToken ct = default)
    {
        if (!db.Database.IsNpgsql()) return NoLock.Instance;
        await db.Database.OpenConnectionAsync(ct);
        await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({StartupLockKey})", ct);
        return new AdvisoryLock(db);
    }

    private const long StartupLockKey = 0x43686174_53747274; // "ChatStrt"

    private sealed class AdvisoryLock(RecordsDbContext db) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({StartupLockKey})");
            await db.Database.CloseConnectionAsync();
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>Tables of the model that the database lacks (one cheap query each, on SQLite and PostgreSQL alike).</summary>
    private static async Task<List<string>> MissingTablesAsync(RecordsDbContext db, CancellationToken ct)
    {
        var missing = new List<string>();
        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct())
        {
            var conn = db.Database.GetDbConnection();
            var opened = conn.State != System.Data.ConnectionState.Open;
            if (opened) await conn.OpenAsync(ct);
            try
            {
                await using var cmd = conn.CreateCommand();
                cmd.CommandText = $"SELECT 1 FROM \"{table}\" WHERE 1 = 0"; // names from the model, never from input
                await cmd.ExecuteScalarAsync(ct);
            }
            catch (System.Data.Common.DbException)
            {
                missing.Add(table);
            }
            finally
            {
                if (opened) await conn.CloseAsync();
            }
        }
        return missing;
    }

    public static async Task EnsureAsync(RecordsDbContext db, ILogger logger, CancellationToken ct = default)
    {
        if (db.Database.IsSqlite())
        {
            var dataSource = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var dir = Path.GetDirectoryName(Path.GetFullPath(dataSource));
            if (!string.IsNullOrEmpty(dir) && dataSource != ":memory:") Directory.CreateDirectory(dir);
        }

        if (await db.Database.EnsureCreatedAsync(ct))
        {
            db.SchemaVersions.Add(new SchemaVersion { Version = Current, AppliedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(ct);
            logger.LogInformation("Records schema created at version {Version}", Current);
            return;
        }

        var version = await db.SchemaVersions.MaxAsync(v => (int?)v.Version, ct) ?? 0;
        if (version > Current)
            throw new InvalidOperationException(
                $"The records database is at schema version {version}, newer than this build understands ({Current}). Run a newer build.");
        var added = TablesAddedBy.Where(t => t.Key > version).SelectMany(t => t.Value).ToHashSet();
        if (version >= 1 && (await MissingTablesAsync(db, ct)).Where(t => !added.Contains(t)).ToList() is { Count: > 0 } missing)
            throw new InvalidOperationException(
                $"The records database says schema version {version} but lacks the table(s) {string.Join(", ", missing)}: it was made " +
                "by an early development build. Move it away (a new one is made at start) or restore a backup of a released version.");
        for (var next = version + 1; next <= Current; next++)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlRawAsync(Steps[next](db), ct);
            db.SchemaVersions.Add(new SchemaVersion { Version = next, AppliedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            logger.LogInformation("Records schema upgraded to version {Version}", next);
        }
    }
}
