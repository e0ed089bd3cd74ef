using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// Chat.Server as a real process (the built Chat.Server.dll) on a free loopback port: for tests that kill a node
/// with kill -9. Readiness is read from the server's own "Now listening on" line.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output;
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _watchers;
    public string BaseUrl { get; }

    /// <summary>Every line the process wrote so far, stdout and stderr.</summary>
    public IReadOnlyCollection<string> Output => _output;
    public int Port => new Uri(BaseUrl).Port;
    public int ProcessId => _process.Id;

    private ServerProcess(Process process, string baseUrl, System.Collections.Concurrent.ConcurrentQueue<string> output,
        List<(Func<string, bool>, TaskCompletionSource)> watchers)
    {
        _process = process;
        _output = output;
        _watchers = watchers;
        BaseUrl = baseUrl;
    }

    /// <summary>
    /// Every client of a test comes from one address (loopback, or none on TestServer): the per-address and per-chat
    /// limits are raised out of the way, except where a test sets them (the attack suite runs with the defaults).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> RelaxedLimits = new Dictionary<string, string>
    {
        ["Abuse__MaxOpenChatsPerAddress"] = "1000",
        ["Abuse__ChatsPerAddressPerHour"] = "100000",
        ["Abuse__ConnectionsPerAddress"] = "100000",
        ["Abuse__MaxQueue"] = "100000",
        ["Chat__VisitorMessagesPerMinute"] = "1000000",
        // No pause after a chat: most tests end a chat and route the next visitor to the same expert at once. The
        // cool-down's own tests set it (Conversations/WellbeingTests).
        ["Chat__CoolDown"] = "00:00:00",
    };

    /// <param name="dll">Another ASP.NET Core program to run instead of Chat.Server (the benchmark's relay server).</param>
    /// <param name="workingDirectory">The folder it is started from (default: the server's project folder).</param>
    public static async Task<ServerProcess> StartAsync(IDictionary<string, string> environment, int? port = null,
        string? dll = null, string extraArgs = "", string? workingDirectory = null)
    {
        port ??= FreePort();
        var root = RepoRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var serverDir = Path.Combine(root, "src", "Chat.Server");
        dll ??= Path.Combine(serverDir, "bin", configuration, "net10.0", "Chat.Server.dll");
        var psi = new ProcessStartInfo("dotnet", $"\"{dll}\" {extraArgs} --urls http://127.0.0.1:{port}")
        {
            WorkingDirectory = workingDirectory ?? serverDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (k, v) in RelaxedLimits) psi.Environment[k] = v;
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var watchers = new List<(Func<string, bool> Match, TaskCompletionSource Seen)>();
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            output.Enqueue(e.Data);
            if (e.Data.Contains("Now listening on")) ready.TrySetResult();
            lock (watchers)
                foreach (var w in watchers.Where(w => w.Match(e.Data)).ToList())
                {
                    w.Seen.TrySetResult();
                    watchers.Remove(w);
                }
        };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        p.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("Chat.Server exited:\n" + string.Join("\n", output)));
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            // Not left running (and loading the machine) after the test gave up on it.
            p.Kill(entireProcessTree: true);
            throw;
        }
        return new ServerProcess(p, $"http://127.0.0.1:{port}", output, watchers);
    }

    /// <summary>
    /// Runs Chat.Server until it exits by itself (a refused start), with <paramref name="environment"/> over the test
    /// defaults (Development unless it says otherwise): its exit code and every line it wrote, stdout and stderr.
    /// </summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Output)> RunToExitAsync(IDictionary<string, string> environment, TimeSpan timeout)
    {
        var root = RepoRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var serverDir = Path.Combine(root, "src", "Chat.Server");
        var psi = new ProcessStartInfo("dotnet", $"\"{Path.Combine(serverDir, "bin", configuration, "net10.0", "Chat.Server.dll")}\" --urls http://127.0.0.1:{FreePort()}")
        {
            WorkingDirectory = serverDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            await p.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException("Chat.Server did not exit by itself:\n" + string.Join("\n", output));
        }
        p.WaitForExit(); // the end of its output too
        return (p.ExitCode, output.ToList());
    }

    /// <summary>Completes when the process writes (or has written) a line on stdout that <paramref name="match"/> accepts.</summary>
    public Task WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_watchers)
        {
            if (_output.Any(match)) return Task.CompletedTask;
            _watchers.Add((match, seen));
        }
        return seen.Task.WaitAsync(timeout);
    }

    /// <summary>The settings that give a server its own records file and keys in <paramref name="dir"/>.</summary>
    public static Dictionary<string, string> OwnData(string dir) => new()
    {
        ["ConnectionStrings__Records"] = $"Data Source={Path.Combine(dir, "chat.db")}",
        ["DataProtection__KeysPath"] = Path.Combine(dir, "keys"),
    };

    /// <summary>kill -TERM (a planned stop, as systemd or docker stop sends it); how long the process took to exit.</summary>
    public async Task<TimeSpan> StopAsync(TimeSpan timeout)
    {
        var started = Stopwatch.StartNew();
        if (_process.HasExited) return TimeSpan.Zero;
        using (var kill = Process.Start(new ProcessStartInfo("kill", $"-TERM {_process.Id}") { UseShellExecute = false })!)
            await kill.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return started.Elapsed;
    }


    /// <summary>kill -9.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async Task<string> CookieAsync(string userName, string password)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(BaseUrl) };
        var r = await http.PostAsJsonAsync("/api/auth/login", new { userName, password });
        r.EnsureSuccessStatusCode();
        return string.Join("; ", r.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
    }

    /// <summary>The official HubConnection over a real ClientWebSocket, negotiation skipped (as the browser clients).</summary>
    /// <param name="from">The local address the client's socket leaves from (default: the loopback address).</param>
    public HubConnection Hub(string path, string? cookie = null, IPAddress? from = null) =>
        HubClient.Hub(BaseUrl, path, o => { if (cookie is not null) o.SetRequestHeader("Cookie", cookie); }, from);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Chat.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Chat.sln not found above the test output.");
    }

    /// <summary>A TCP port free on loopback now (for the servers the tests and benchmarks start).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
