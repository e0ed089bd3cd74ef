namespace Chat.Tests.Attacks;

/// <summary>
/// The attack suite's report: one row per attack (attack | expected | seen), written to artifacts/attack-table.md as
/// the tests run, and printed by scripts/test.sh at the end. A row is written before the test's assertions, so a failed
/// attack shows what was seen.
/// </summary>
public static class AttackTable
{
    private static readonly Lock Gate = new();

    public static string Path => System.IO.Path.Combine(Browser.BrowserFixture.ScreenshotDir, "..", "attack-table.md");

    public static void Row(string attack, string expected, string seen)
    {
        lock (Gate)
        {
            if (!File.Exists(Path))
                File.WriteAllText(Path, "| attack | expected | seen |\n|---|---|---|\n");
            File.AppendAllText(Path, $"| {attack} | {expected} | {seen} |\n");
        }
    }
}
