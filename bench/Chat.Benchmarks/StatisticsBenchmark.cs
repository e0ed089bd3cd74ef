using System.Diagnostics;
using Chat.Server.ContactForms;
using Chat.Server.Statistics;
using Chat.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Chat.Benchmarks;

/// <summary>
/// Weekly and yearly statistics over a SQLite file with N stored forms (default 1,000,000 over 5 years), next to
/// a baseline in the same run: a bare COUNT(*) of the period's forms through the OccurredAt index, what even the
/// simplest question about the period costs. The report reads the daily counts; the "one pass" column shows the
/// alternative it replaced (every table counted in SQL over the forms, one pass).
/// </summary>
public static class StatisticsBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var forms = Arg(args, "--forms", 1_000_000);
        var years = Arg(args, "--years", 5);
        var runs = Arg(args, "--runs", 15);
        var file = Path.Combine(Path.GetTempPath(), $"chat-bench-{Guid.NewGuid():n}.db");
        try
        {
            var options = new DbContextOptionsBuilder<RecordsDbContext>().UseSqlite($"Data Source={file}").Options;
            await using var db = new RecordsDbContext(options);
            await RecordsSchema.EnsureAsync(db, NullLogger.Instance);
            var end = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
            var start = end.AddYears(-years);
            var sw = Stopwatch.StartNew();
            await FillAsync(file, forms, start, end);
            Console.WriteLine($"inserted {forms:N0} forms over {years} years in {sw.Elapsed.TotalSeconds:F1} s ({new FileInfo(file).Length / 1048576.0:F0} MB)");

            var zone = ReportingZone.Default;
            sw.Restart();
            await ContactAggregates.RebuildAsync(db, zone);
            Console.WriteLine($"built the daily counts from all forms in {sw.Elapsed.TotalSeconds:F1} s (done at start only when the time zone changes)");
            var queries = new StatisticsQueries(db, zone, TimeProvider.System);
            var week = ReportPeriod.Of(new DateOnly(2026, 11, 16), new DateOnly(2026, 11, 22), zone, "2026-W47");
            var year = ReportPeriod.Of(new DateOnly(2025, 11, 23), new DateOnly(2026, 11, 22), zone);
            var conn = (SqliteConnection)db.Database.GetDbConnection();

            Console.WriteLine();
            Console.WriteLine($"{"report",-8} {"forms",9} {"report median ms",17} {"p95 ms",7} {"COUNT(*) ms",12} {"ratio",6} {"one pass ms",12}");
            foreach (var (name, p) in new[] { ("weekly", week), ("yearly", year) })
            {
                var rows = await CountAsync(conn, p);
                var report = await Time(runs, () => queries.ReportAsync(p, "nl"));
                var baseline = await Time(runs, () => CountAsync(conn, p));
                var scan = await Time(Math.Min(runs, 5), () => queries.CountsFromFormsAsync(p));
                Console.WriteLine($"{name,-8} {rows,9:N0} {report.Median,17:F1} {report.P95,7:F1} {baseline.Median,12:F1} {report.Median / Math.Max(0.001, baseline.Median),6:F1} {scan.Median,12:F1}");
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    private static async Task<long> CountAsync(SqliteConnection conn, ReportPeriod p)
    {
        if (conn.State != System.Data.ConnectionState.Open) await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM \"ContactForms\" WHERE \"OccurredAt\" >= $a AND \"OccurredAt\" < $b";
        cmd.Parameters.AddWithValue("$a", p.StartUtc.ToUnixTimeSeconds());
        cmd.Parameters.AddWithValue("$b", p.EndUtc.ToUnixTimeSeconds());
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<(double Median, double P95)> Time<T>(int runs, Func<Task<T>> action)
    {
        await action(); // warm-up
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            await action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return (times[times.Count / 2], times[(int)Math.Min(times.Count - 1, Math.Ceiling(times.Count * 0.95) - 1)]);
    }

    /// <summary>Plausible forms, spread evenly in time, inserted in one transaction with a prepared statement.</summary>
    private static async Task FillAsync(string file, int count, DateTimeOffset start, DateTimeOffset end)
    {
        await using var conn = new SqliteConnection($"Data Source={file}");
        await conn.OpenAsync();
        await using (var pragma = conn.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;";
            await pragma.ExecuteNonQueryAsync();
        }
        await using var tx = await conn.BeginTransactionAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "INSERT INTO ContactForms (Id, ExpertId, ConversationId, IdempotencyKey, OccurredAt, DurationMinutes, Conversation, " +
                          "ContactType, ContactSeeker, ReferralSources, ReferralOther, Support, ProfessionalHelp, Safety, CreatedAt) " +
                          "VALUES ($id, $expert, NULL, NULL, $at, $dur, $conv, $type, $seeker, $ref, NULL, $sup, $help, $safety, $at)";
        var ps = new[] { "$id", "$expert", "$at", "$dur", "$conv", "$type", "$seeker", "$ref", "$sup", "$help", "$safety" }
            .ToDictionary(n => n, n => cmd.Parameters.Add(n, SqliteType.Text));
        cmd.Prepare();
        var rnd = new Random(7);
        var span = (end - start).TotalSeconds;
        var seekers = ContactCodes.ContactSeeker.Codes.Select(c => c.Key).ToArray();
        var types = ContactCodes.ContactType.Codes.Select(c => c.Key).ToArray();
        var convs = ContactCodes.Conversation.Codes.Select(c => c.Key).ToArray();
        var safety = ContactCodes.Safety.Codes.Select(c => c.Key).ToArray();
        for (var i = 0; i < count; i++)
        {
            var at = start.AddSeconds(span * i / count);
            ps["$id"].Value = i.ToString("x8");
            ps["$expert"].Value = "expert" + (i % 12);
            ps["$at"].Value = at.ToUnixTimeSeconds() / 3600 * 3600;
            ps["$dur"].Value = rnd.Next(1, 120);
            ps["$conv"].Value = convs[rnd.Next(convs.Length)];
            ps["$type"].Value = types[rnd.Next(types.Length)];
            ps["$seeker"].Value = seekers[rnd.Next(seekers.Length)];
            ps["$ref"].Value = rnd.Next(1, 128);
            ps["$sup"].Value = rnd.Next(1, 8);
            ps["$help"].Value = rnd.Next(0, 256);
            ps["$safety"].Value = safety[rnd.Next(safety.Length)];
            await cmd.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
    }
}
