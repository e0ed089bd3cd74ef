using System.Collections.Concurrent;
using System.Diagnostics;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// Debian's nginx as a real process, from the repository's deploy/nginx.conf with only its addresses replaced (the
/// listening port, and the two nodes' names in front of their ports: <c>chat1:8080</c>, <c>chat2:8080</c>), in a
/// temporary folder. Started once its pid file exists (nginx writes it after binding its listening socket).
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private readonly ConcurrentQueue<string> _stdout = new(), _stderr = new();

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    /// <summary>The access log (stdout).</summary>
    public IReadOnlyCollection<string> AccessLog => _stdout;
    /// <summary>The error log (stderr).</summary>
    public IReadOnlyCollection<string> ErrorLog => _stderr;

    private NginxServer(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    /// <summary>The deploy/nginx.conf of this repository, adapted to the test's ports.</summary>
    public static string Config(int listen, int chat1, int chat2) => Adapt("nginx.conf",
        ("listen 8080;", $"listen 127.0.0.1:{listen};"), ("chat1:8080", $"127.0.0.1:{chat1}"), ("chat2:8080", $"127.0.0.1:{chat2}"));

    /// <summary>A file of the repository's deploy/ folder with these texts replaced (each must be there).</summary>
    public static string Adapt(string file, params (string From, string To)[] replacements)
    {
        var text = File.ReadAllText(Path.Combine(ServerProcess.RepoRoot(), "deploy", file));
        foreach (var (from, to) in replacements)
        {
            Assert.Contains(from, text); // the file still has what the test adapts: otherwise it tests something else
            text = text.Replace(from, to);
        }
        return text;
    }

    public static async Task<NginxServer> StartAsync(string config, int port)
    {
        var exe = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
        var dir = Path.Combine(Path.GetTempPath(), "chat-nginx", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        var conf = Path.Combine(dir, "nginx.conf");
        await File.WriteAllTextAsync(conf, config);
        var pid = Path.Combine(dir, "nginx.pid");
        using var watcher = new FileSystemWatcher(dir, "nginx.pid") { EnableRaisingEvents = true };
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Created += (_, _) => started.TrySetResult();

        var psi = new ProcessStartInfo(exe, $"-p {dir}/ -c {conf} -e stderr -g \"daemon off; pid {pid};\"")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var server = new NginxServer(p, dir, port);
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) server._stdout.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) server._stderr.Enqueue(e.Data); };
        p.Exited += (_, _) => started.TrySetException(new InvalidOperationException("nginx exited: " + string.Join("\n", server._stderr)));
        try
        {
            p.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("nginx is not installed: run scripts/test.sh, which installs it.", ex);
        }
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (File.Exists(pid)) started.TrySetResult();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        return server;
    }

    /// <summary>Checks a configuration with <c>nginx -t</c>; the error output when it fails.</summary>
    public static async Task<(bool Ok, string Output)> TestConfigAsync(string config)
    {
        var dir = Path.Combine(Path.GetTempPath(), "chat-nginx", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        try
        {
            var conf = Path.Combine(dir, "nginx.conf");
            await File.WriteAllTextAsync(conf, config);
            var exe = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
            using var p = Process.Start(new ProcessStartInfo(exe, $"-t -p {dir}/ -c {conf} -e stderr -g \"pid {dir}/nginx.pid;\"")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            })!;
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            return (p.ExitCode == 0, await output + await error);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { /* best effort */ }
        }
    }

    /// <summary>SIGQUIT (nginx's graceful stop); the logs are complete once it has exited.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        using (var kill = Process.Start(new ProcessStartInfo("kill", $"-QUIT {_process.Id}") { UseShellExecute = false })!)
            await kill.WaitForExitAsync();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_dir, true); } catch (IOException) { /* best effort */ }
    }
}
