using System.Security.Claims;
using Chat.Server.Accounts;
using Chat.Server.ContactForms;
using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Server.Statistics;

public static class StatisticsApi
{
    /// <summary>
    /// Statistics: the read side, the hourly queue counters, and the daily contact counts, kept by an interceptor on the
    /// records context in the transaction of every new form.
    /// </summary>
    public static IServiceCollection AddStatistics(this IServiceCollection services)
    {
        services.AddScoped<StatisticsQueries>();
        services.AddSingleton<QueueCounters>();
        services.AddSingleton<ContactCountsInterceptor>();
        services.ConfigureDbContext<RecordsDbContext>((sp, o) => o.AddInterceptors(sp.GetRequiredService<ContactCountsInterceptor>()));
        return services;
    }

    public static IEndpointRouteBuilder MapStatistics(this IEndpointRouteBuilder app)
    {
        var coordinator = app.MapGroup("/api/statistics").WithTags("Statistics")
            .RequireAuthorization(p => p.RequireRole(Roles.Coordinator));

        coordinator.MapGet("/", async Task<Results<Ok<StatisticsReport>, ValidationProblem>> (
            string? from, string? to, string? lang, StatisticsQueries q, ReportingZone zone, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var p = ReportPeriod.Parse(from, to, zone, errors);
            return p is null ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await q.ReportAsync(p, lang, ct));
        });

        coordinator.MapGet("/weekly", async Task<Results<Ok<StatisticsReport>, ValidationProblem>> (
            string? week, string? lang, StatisticsQueries q, ReportingZone zone, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var p = ReportPeriod.ParseWeek(week, zone, errors);
            return p is null ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await q.ReportAsync(p, lang, ct));
        });

        coordinator.MapGet("/export.csv", async Task<Results<FileContentHttpResult, ValidationProblem>> (
            string? from, string? to, StatisticsQueries q, ReportingZone zone, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var p = ReportPeriod.Parse(from, to, zone, errors);
            if (p is null) return TypedResults.ValidationProblem(errors);
            var report = await q.ReportAsync(p, "nl", ct);
            return TypedResults.File(StatisticsCsv.Write(report), "text/csv; charset=utf-8",
                $"contacten_{report.From}_{report.To}.csv");
        });

        coordinator.MapGet("/trend", async Task<Results<Ok<IReadOnlyList<TrendPoint>>, ValidationProblem>> (
            string? week, int? weeks, StatisticsQueries q, ReportingZone zone, TimeProvider time, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var count = weeks ?? 12;
            if (count is < 1 or > 104) errors["weeks"] = ["1 tot en met 104."];
            var last = ReportPeriod.ParseWeek(week ?? ReportPeriod.WeekName(Today(zone, time)), zone, errors);
            return last is null || errors.Count > 0
                ? TypedResults.ValidationProblem(errors)
                : TypedResults.Ok(await q.TrendAsync(last, count, ct));
        });

        coordinator.MapGet("/heatmap", async Task<Results<Ok<HeatMap>, ValidationProblem>> (
            string? from, string? to, StatisticsQueries q, ReportingZone zone, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var p = ReportPeriod.Parse(from, to, zone, errors);
            return p is null ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await q.HeatMapAsync(p, ct));
        });

        coordinator.MapGet("/experts", async Task<Results<Ok<IReadOnlyList<ExpertWorkload>>, ValidationProblem>> (
            string? from, string? to, StatisticsQueries q, ReportingZone zone, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var p = ReportPeriod.Parse(from, to, zone, errors);
            return p is null ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await q.WorkloadAsync(p, null, ct));
        });

        coordinator.MapGet("/live", async (Conversations.QueueView queue, Tenancy.ProjectScope scope) =>
            TypedResults.Ok(await queue.OverviewAsync(scope.Projects)));

        // An expert's own figures (experts see only their own).
        app.MapGet("/api/statistics/me", async Task<Results<Ok<ExpertWorkload>, ValidationProblem>> (
            string? from, string? to, ClaimsPrincipal user, StatisticsQueries q, ReportingZone zone, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            var p = ReportPeriod.Parse(from, to, zone, errors);
            if (p is null) return TypedResults.ValidationProblem(errors);
            var id = user.FindFirstValue(ClaimTypes.NameIdentifier)!;
            var mine = await q.WorkloadAsync(p, id, ct);
            return TypedResults.Ok(mine.FirstOrDefault() ?? new ExpertWorkload(id, "", 0, 0, 0, 0, 0, 0, 0));
        }).WithTags("Statistics").RequireAuthorization(p => p.RequireRole(Roles.Expert, Roles.Coordinator));

        return app;
    }

    public static DateOnly Today(ReportingZone zone, TimeProvider time) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone.Zone).DateTime);
}
