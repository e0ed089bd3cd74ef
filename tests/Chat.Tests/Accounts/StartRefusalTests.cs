using Chat.Tests.Infrastructure;

namespace Chat.Tests.Accounts;

/// <summary>
/// A start the server refuses, as a real process in Production: checked before anything is written (no records file,
/// no keys, no account), one clear line in the log, a non-zero exit code, no stack trace.
/// </summary>
public sealed class StartRefusalTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));

    public StartRefusalTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { /* best effort */ }
    }

    private Dictionary<string, string> Production(params (string Key, string? Value)[] settings)
    {
        var env = ServerProcess.OwnData(_dir);
        env["ASPNETCORE_ENVIRONMENT"] = "Production";
        env["Accounts__InitialCoordinator__UserName"] = "beheer.jansen";
        env["Accounts__InitialCoordinator__Password"] = "Sterk-Wachtwoord-2026";
        env["Widget__AllowedEmbedOrigins__0"] = "https://project.example";
        foreach (var (k, v) in settings)
            if (v is null) env.Remove(k);
            else env[k] = v;
        return env;
    }

    private static string OneRefusalLine((int ExitCode, IReadOnlyList<string> Output) run)
    {
        var lines = run.Output.Where(l => !string.IsNullOrWhiteSpace(l)).ToList();
        var text = string.Join("\n", lines);
        Assert.True(run.ExitCode != 0, $"exit code 0:\n{text}");
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Unhandled exception") || l.Contains("Exception:"));
        var line = Assert.Single(lines);
        Assert.Contains("The server does not start", line);
        return line;
    }

    [Theory]
    [InlineData("Widget__AllowedEmbedOrigins__0", null, "Widget:AllowedEmbedOrigins is required")]
    [InlineData("Accounts__InitialCoordinator__Password", "short", "Accounts:InitialCoordinator:Password is too weak")]
    [InlineData("Accounts__InitialCoordinator__Password", null, "Accounts:InitialCoordinator:Password is missing")]
    [InlineData("Accounts__InitialCoordinator__UserName", null, "No coordinator account exists")]
    [InlineData("Accounts__DemoAccounts", "true", "Accounts:DemoAccounts cannot be enabled in Production")]
    public async Task ARefusedStartInAnEmptyFolderWritesOneLineAndNothingElse(string key, string? value, string reason)
    {
        var run = await ServerProcess.RunToExitAsync(Production((key, value)), TimeSpan.FromSeconds(60));
        var line = OneRefusalLine(run);
        Assert.Contains(reason, line);
        Assert.DoesNotContain("Sterk-Wachtwoord", line);
        Assert.Empty(Directory.GetFileSystemEntries(_dir)); // no records file, no keys, no live state
    }

    [Fact]
    public async Task ADatabaseWithDemoPasswordsIsRefusedBeforeTheFirstCoordinatorIsCreated()
    {
        await using (var dev = await ServerProcess.StartAsync(ServerProcess.OwnData(_dir))) // made by `dotnet run`
            await dev.StopAsync(TimeSpan.FromSeconds(40));
        var before = await UserNamesAsync();
        var run = await ServerProcess.RunToExitAsync(Production(), TimeSpan.FromSeconds(60));
        var line = OneRefusalLine(run);
        var after = await UserNamesAsync();
        Attacks.AttackTable.Row("Production start on a database with demo passwords, with a new first coordinator configured",
            "refused in one log line, exit code not 0, no stack trace; the new coordinator is not created",
            $"exit {run.ExitCode}; '{line.Trim()[..Math.Min(70, line.Trim().Length)]}...'; accounts before {before.Count}, after {after.Count}");
        Assert.Contains("coordinator, expert1, expert2, admin still have the public demo password", line);
        Assert.Equal(before, await UserNamesAsync()); // beheer.jansen was not created
        Assert.DoesNotContain("beheer.jansen", before);
    }

    private async Task<List<string>> UserNamesAsync()
    {
        await using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "chat.db")};Mode=ReadOnly;Pooling=false");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT UserName FROM AspNetUsers ORDER BY UserName";
        var names = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) names.Add(r.GetString(0));
        return names;
    }
}
