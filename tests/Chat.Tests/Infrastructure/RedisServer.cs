using System.Diagnostics;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A real redis-server process on a free loopback port, with AOF on (appendfsync always) in a temp folder.
/// Readiness is read from the server's own log line, not waited for with a delay. Can be killed and restarted
/// on the same data to test durability.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-redis", Guid.NewGuid().ToString("n"));
    private Process? _process;
    public int Port { get; } = ServerProcess.FreePort();
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";
    /// <summary>The running redis-server's process id (to pause it with SIGSTOP, say), or null while it is stopped.</summary>
    public int? ProcessId => _process?.Id;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        return StartAsync();
    }

    public async Task StartAsync()
    {
        var exe = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        var psi = new ProcessStartInfo(exe,
            $"--port {Port} --bind 127.0.0.1 --dir {_dir} --appendonly yes --appendfsync always --save \"\" --protected-mode yes")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        p.OutputDataReceived += (_, e) => { if (e.Data?.Contains("Ready to accept connections") == true) ready.TrySetResult(); };
        p.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("redis-server exited; is it installed (apt-get install redis-server)?"));
        try
        {
            p.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed: run scripts/test.sh, which installs it.", ex);
        }
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>kill -9: nothing is flushed beyond what AOF already wrote.</summary>
    public async Task KillAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async Task DisposeAsync()
    {
        await KillAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { /* best effort */ }
    }

}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "redis";
}
