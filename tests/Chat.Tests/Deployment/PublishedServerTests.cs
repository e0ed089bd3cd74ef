using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Deployment;

/// <summary>
/// The server as an operator runs it: <c>dotnet publish</c> to a folder, then <c>dotnet folder/Chat.Server.dll</c> in
/// Production, started from another folder. It finds its own files (appsettings.json, the widget and the console)
/// and keeps its data (relative paths) in its own folder, not in the folder it was started from.
/// </summary>
[Collection(RedisCollection.Name)] // one server process at a time with the other process tests: a 2-core machine
public sealed class PublishedServerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-published", Guid.NewGuid().ToString("n"));

    [Fact]
    public async Task APublishedServerStartedFromAnotherFolderServesItsOwnFilesAndSettings()
    {
        var publish = Path.Combine(_dir, "out");
        var elsewhere = Path.Combine(_dir, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        await PublishAsync(publish);
        // A setting only the published appsettings.json has: it is read although the process starts elsewhere.
        var settingsFile = Path.Combine(publish, "appsettings.json");
        var settings = JsonNode.Parse(await File.ReadAllTextAsync(settingsFile))!.AsObject();
        settings["Widget"] = new JsonObject { ["OrganisationName"] = "Uit appsettings.json" };
        await File.WriteAllTextAsync(settingsFile, settings.ToJsonString());

        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Accounts__InitialCoordinator__UserName"] = "coordinatie",
            ["Accounts__InitialCoordinator__Password"] = "Sterk-Wachtwoord-2026",
            ["Widget__AllowedEmbedOrigins__0"] = "https://www.example.org",
        }, dll: Path.Combine(publish, "Chat.Server.dll"), workingDirectory: elsewhere);

        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        foreach (var (path, contains) in new[]
                 {
                     ("/widget.js", "iframe"), ("/widget/", "<html"), ("/", "<html"), ("/demo", "widget.js"),
                 })
        {
            var r = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var body = await r.Content.ReadAsStringAsync();
            Assert.True(body.Length > 100, $"{path}: {body.Length} bytes");
            Assert.Contains(contains, body, StringComparison.OrdinalIgnoreCase);
        }
        var config = await http.GetFromJsonAsync<JsonElement>("/api/widget/config");
        Assert.Equal("Uit appsettings.json", config.GetProperty("organisationName").GetString());

        // The runtime settings travel with the build: idle thread-pool workers do not spin (docs/benchmarks.md).
        var runtime = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(publish, "Chat.Server.runtimeconfig.json")))!;
        Assert.Equal(0, (int)runtime["runtimeOptions"]!["configProperties"]!["System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"]!);

        // Relative data paths are relative to the server's own folder: the records file is there, nothing where it started.
        Assert.True(File.Exists(Path.Combine(publish, "data", "chat.db")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
    }

    private static async Task PublishAsync(string output)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Chat.sln"))) root = root.Parent;
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        // --no-build: the solution was built before the tests ran; publishing copies its output and the static files.
        var psi = new ProcessStartInfo("dotnet", $"publish src/Chat.Server -c {configuration} --no-build --nologo -v quiet -o \"{output}\"")
        {
            WorkingDirectory = root!.FullName, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(p.ExitCode == 0, $"dotnet publish failed: {await stdout}{await stderr}");
        Assert.True(File.Exists(Path.Combine(output, "wwwroot", "_content", "Chat.Widget", "widget.js")), "publish left out the widget");
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { /* best effort */ }
    }
}
