using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;

namespace Chat.Benchmarks;

/// <summary>
/// Live chat on loopback, in one run, side by side: (a) a bare SignalR relay hub (the framework's ceiling),
/// (b) our service in the embedded mode, (c) our service in Redis mode (a real redis-server, AOF always).
/// Each server is its own process; the clients are the official HubConnection over WebSockets, negotiation skipped.
/// </summary>
public static class LiveBenchmark
{
    private static TimeSpan _window = TimeSpan.FromSeconds(5);

    private sealed record Result(string Name, double P50, double P99, double Throughput, double? AssignP50, double? AssignP99,
        double KbPerConnection, double MbTotal);

    public static async Task RunAsync(string[] args)
    {
        int rate = Arg(args, "--rate", 200), seconds = Arg(args, "--seconds", 10), pairs = Arg(args, "--pairs", 20),
            idle = Arg(args, "--idle", 10_000), assignments = Arg(args, "--assignments", 200), inflight = Arg(args, "--inflight", 8);
        _window = TimeSpan.FromSeconds(Arg(args, "--window", 5));
        Console.WriteLine($"latency at {rate} msg/s for {seconds} s (one pair); throughput with {pairs} pairs, {inflight} in flight each, for {_window.TotalSeconds} s; " +
                          $"{assignments} assignments; {idle:N0} idle visitor connections; Redis appendfsync " +
                          (args.SkipWhile(a => a != "--fsync").Skip(1).FirstOrDefault() ?? "always"));
        var dir = Path.Combine(Path.GetTempPath(), "chat-bench-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        var fsync = args.SkipWhile(a => a != "--fsync").Skip(1).FirstOrDefault() ?? "always";
        var redis = await StartRedisAsync(dir, fsync);
        try
        {
            // --only a,c measures a subset (the ratios need (a)); the default is all three.
            var only = (args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault() ?? "a,b,c").Split(',');
            var results = new List<Result>();
            if (only.Contains("a"))
                results.Add(await MeasureAsync("(a) bare relay", await StartRelayAsync(), chat: false, dir, rate, seconds, pairs, inflight, idle, assignments));
            if (only.Contains("b"))
                results.Add(await MeasureAsync("(b) embedded", await StartChatAsync(dir, "embedded", null), chat: true, dir, rate, seconds, pairs, inflight, idle, assignments));
            if (only.Contains("c"))
                results.Add(await MeasureAsync("(c) Redis", await StartChatAsync(dir, "redis", redis.Port), chat: true, dir, rate, seconds, pairs, inflight, idle, assignments));
            Print(results, idle);
        }
        finally
        {
            redis.Process.Kill(true);
            try { Directory.Delete(dir, true); } catch (IOException) { /* best effort */ }
        }
    }

    // ---- servers ------------------------------------------------------------------------------------

    private static Task<ServerProcess> StartRelayAsync() =>
        ServerProcess.StartAsync(new Dictionary<string, string>(), dll: typeof(LiveBenchmark).Assembly.Location, extraArgs: "relay-server");

    private static async Task<ServerProcess> StartChatAsync(string dir, string name, int? redisPort)
    {
        var db = Path.Combine(dir, name + ".db");
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Records"] = $"Data Source={db}",
            ["DataProtection__KeysPath"] = Path.Combine(dir, name + "-keys"),
            ["Chat__CallsPerSecond"] = "1000000",
            ["Chat__CallBurst"] = "1000000",
        };
        if (redisPort is { } port)
        {
            env["ConnectionStrings__Redis"] = $"127.0.0.1:{port}";
            env["Redis__KeyPrefix"] = "bench:";
        }
        var server = await ServerProcess.StartAsync(env);
        // One expert takes every chat of the benchmark.
        await using var conn = new SqliteConnection($"Data Source={db}");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "UPDATE AspNetUsers SET MaxChats = 100000 WHERE UserName = 'expert1'";
        await cmd.ExecuteNonQueryAsync();
        return server;
    }

    private sealed record RedisProcess(Process Process, int Port);

    private static async Task<RedisProcess> StartRedisAsync(string dir, string fsync)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("redis-server",
            $"--port {port} --bind 127.0.0.1 --dir {dir} --appendonly yes --appendfsync {fsync} --save \"\"")
        { RedirectStandardOutput = true, UseShellExecute = false };
        var ready = new TaskCompletionSource();
        var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data?.Contains("Ready to accept connections") == true) ready.TrySetResult(); };
        p.Start();
        p.BeginOutputReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(20));
        return new RedisProcess(p, port);
    }

    // ---- measurements ---------------------------------------------------------------------------------

    private static async Task<Result> MeasureAsync(string name, ServerProcess server, bool chat, string dir,
        int rate, int seconds, int pairs, int inflight, int idle, int assignments)
    {
        await using var serverLifetime = server;
        Console.Write($"{name}: ");
        var sent = new ConcurrentDictionary<string, long>();
        var latencies = new ConcurrentBag<double>();
        var received = 0L;
        void OnMessage(JsonElement m)
        {
            if (m.GetProperty("from").GetString() != "visitor") return;
            var id = m.GetProperty("clientMessageId").GetString()!;
            if (sent.TryRemove(id, out var t0)) latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            Interlocked.Increment(ref received);
        }

        HubConnection? expert = null;
        var assigned = new ConcurrentQueue<string>();
        var assignedSignal = new SemaphoreSlim(0);
        if (chat)
        {
            expert = server.Hub("/hubs/expert", await server.CookieAsync("expert1", "Demo-Expert-1"));
            expert.On<JsonElement>("MessageReceived", OnMessage);
            expert.On<JsonElement>("ChatAssigned", e => { assigned.Enqueue(e.GetProperty("conversationId").GetString()!); assignedSignal.Release(); });
            await expert.StartAsync();
            await expert.InvokeAsync<JsonElement>("SetAvailability", "available");
        }

        async Task<Func<string, string, Task>> PairAsync(int i)
        {
            if (chat)
            {
                var visitor = server.Hub("/hubs/visitor");
                await visitor.StartAsync();
                await visitor.InvokeAsync<JsonElement>("StartChat", new { });
                await assignedSignal.WaitAsync();
                assigned.TryDequeue(out var _);
                return (id, text) => visitor.InvokeAsync<JsonElement>("SendMessage", id, text);
            }
            var room = "room" + i;
            var a = server.Hub("/hubs/relay");
            var b = server.Hub("/hubs/relay");
            b.On<JsonElement>("MessageReceived", OnMessage);
            await a.StartAsync();
            await b.StartAsync();
            await a.InvokeAsync("Join", room);
            await b.InvokeAsync("Join", room);
            return (id, text) => a.InvokeAsync<JsonElement>("Send", room, id, text);
        }

        // 1. Latency at a fixed offered rate, one pair.
        var send = await PairAsync(0);
        for (var w = 0; w < 50; w++) await Send(send, sent, "w" + w); // warm-up
        latencies.Clear();
        var clock = Stopwatch.StartNew();
        var pending = new List<Task>();
        for (var i = 0; i < rate * seconds; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait); // pacing of the offered load
            pending.Add(Send(send, sent, "l" + i));
        }
        await Task.WhenAll(pending);
        await WaitFor(() => sent.IsEmpty, TimeSpan.FromSeconds(10));
        var lat = latencies.Order().ToArray();
        double p50 = Pct(lat, 0.5), p99 = Pct(lat, 0.99);

        // 2. Maximum throughput: many pairs, some messages in flight each (default 8), 5 seconds.
        var senders = new List<Func<string, string, Task>>();
        for (var i = 1; i <= pairs; i++) senders.Add(await PairAsync(i));
        Interlocked.Exchange(ref received, 0);
        var stop = Stopwatch.StartNew();
        var window = _window;
        await Task.WhenAll(senders.Select((s, i) => Task.Run(async () =>
        {
            using var slots = new SemaphoreSlim(inflight);
            var n = 0;
            while (stop.Elapsed < window)
            {
                await slots.WaitAsync();
                var id = $"t{i}-{n++}";
                _ = Send(s, sent, id).ContinueWith(_ => slots.Release());
            }
        })));
        var throughput = Interlocked.Read(ref received) / stop.Elapsed.TotalSeconds;
        sent.Clear();

        // 3. Assignment latency: visitor starts a chat until the expert is told.
        double? a50 = null, a99 = null;
        if (chat)
        {
            var times = new List<double>();
            for (var i = 0; i < assignments; i++)
            {
                var visitor = server.Hub("/hubs/visitor");
                await visitor.StartAsync();
                var t0 = Stopwatch.GetTimestamp();
                await visitor.InvokeAsync<JsonElement>("StartChat", new { });
                await assignedSignal.WaitAsync();
                times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                assigned.TryDequeue(out var conversationId);
                await expert!.InvokeAsync("EndChat", conversationId);
                await visitor.DisposeAsync();
            }
            var sorted = times.Order().ToArray();
            (a50, a99) = (Pct(sorted, 0.5), Pct(sorted, 0.99));
        }

        // 4. Memory per idle visitor connection (server process, resident set).
        var before = Rss(server.ProcessId);
        var idleConnections = new ConcurrentBag<HubConnection>();
        var path = chat ? "/hubs/visitor" : "/hubs/relay";
        for (var batch = 0; batch < idle; batch += 250)
            await Task.WhenAll(Enumerable.Range(0, Math.Min(250, idle - batch)).Select(async _ =>
            {
                var c = server.Hub(path);
                await c.StartAsync();
                idleConnections.Add(c);
            }));
        var after = Rss(server.ProcessId);
        var kb = (after - before) / 1024.0 / idle;
        Console.WriteLine("done");
        foreach (var c in idleConnections) _ = c.DisposeAsync();
        if (expert is not null) await expert.DisposeAsync();
        return new Result(name, p50, p99, throughput, a50, a99, kb, after / 1048576.0);
    }

    private static Task Send(Func<string, string, Task> send, ConcurrentDictionary<string, long> sent, string id)
    {
        sent[id] = Stopwatch.GetTimestamp();
        return send(id, "Dit is een gewoon bericht van een bezoeker, niet te kort en niet te lang.");
    }

    private static async Task WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!condition() && sw.Elapsed < timeout) await Task.Delay(20);
    }

    private static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:")) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return 0;
    }

    private static double Pct(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private static void Print(List<Result> results, int idle)
    {
        var a = results[0];
        Console.WriteLine();
        Console.WriteLine($"{"target",-16} {"p50 ms",7} {"p99 ms",7} {"p99/(a)",8} {"msg/s",8} {"msg/s/(a)",10} {"assign p50",11} {"assign p99",11} {"KB/idle conn",13} {"server MB",10}");
        foreach (var r in results)
            Console.WriteLine($"{r.Name,-16} {r.P50,7:F2} {r.P99,7:F2} {r.P99 / a.P99,8:F2} {r.Throughput,8:F0} {r.Throughput / a.Throughput,10:F2} " +
                              $"{(r.AssignP50 is { } x ? x.ToString("F2") : "n/a"),11} {(r.AssignP99 is { } y ? y.ToString("F2") : "n/a"),11} " +
                              $"{r.KbPerConnection,13:F1} {r.MbTotal,10:F0}");
        Console.WriteLine($"(server MB: resident memory of the server process with {idle:N0} idle visitor connections open)");
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
