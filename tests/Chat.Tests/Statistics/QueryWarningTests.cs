using Chat.Tests.Infrastructure;

namespace Chat.Tests.Statistics;

/// <summary>
/// Issue 21: an EF Core warning ("FirstOrDefault without OrderBy") in the log of a fresh start. Starting the server and
/// loading every statistics view leaves no EF Core warning.
/// </summary>
public sealed class QueryWarningTests
{
    [Fact]
    public async Task StartingAndReadingTheStatisticsLogsNoEfCoreWarning()
    {
        await using var app = new ChatApp();
        var coordinator = await app.CoordinatorClientAsync();
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        foreach (var path in new[] { $"/api/statistics?from={today}&to={today}", "/api/statistics/trend", $"/api/statistics/experts?from={today}&to={today}",
                     $"/api/statistics/export.csv?from={today}&to={today}", $"/api/statistics/heatmap?from={today}&to={today}" })
        {
            var r = await coordinator.GetAsync(path);
            Assert.True(r.IsSuccessStatusCode || r.StatusCode == System.Net.HttpStatusCode.NotFound, $"{path}: {r.StatusCode}");
        }
        var warnings = app.Logs.Lines.Where(l => l.Contains("Microsoft.EntityFrameworkCore") && (l.StartsWith("Warning") || l.Contains("OrderBy"))).ToList();
        Assert.True(warnings.Count == 0, string.Join("\n", warnings));
    }
}

/// <summary>Issue 21: the CSV quoted labels inconsistently ("90% wacht korter dan" bare, other labels quoted).</summary>
public sealed class CsvQuotingTests
{
    [Fact]
    public async Task EveryCellOfTheCsvIsABareCountOrAQuotedText()
    {
        await using var app = new ChatApp();
        var coordinator = await app.CoordinatorClientAsync();
        var bytes = await coordinator.GetByteArrayAsync("/api/statistics/export.csv?from=2026-11-16&to=2026-11-22");
        var cells = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n").Where(l => l.Length > 0).SelectMany(l => l.Split(';')).ToList();
        var odd = cells.Where(c => c.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(c, "^(-?[0-9]+|\"([^\"]|\"\")*\")$")).ToList();
        Assert.True(odd.Count == 0, "cells neither a count nor quoted: " + string.Join(" | ", odd));
        Assert.Contains("\"90% wacht korter dan (seconden)\"", cells);
    }
}
