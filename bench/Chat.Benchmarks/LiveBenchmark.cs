using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
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
    /// <summary>What one run measures; every target gets the same.</summary>
    private sealed record Options(int Rate, int Seconds, int HalfLoad, int Pairs, int Inflight, TimeSpan Window, TimeSpan WarmUp,
        int Idle, int Assignments, string Fsync, bool OneExpert, int ChatLength);

    private sealed record Result(string Name, Latency Light, Latency Half, int HalfRate, double Throughput, double? AssignP50, double? AssignP99,
        double KbPerConnection, double MbTotal, Cpu PerMessage, double FreshKb = double.NaN, double FreshMb = double.NaN, Stalls? HalfStalls = null,
        Latency? HalfInRewrite = null, Stalls? RewriteStalls = null, (double JitMs, double GcMs) ThroughputRuntime = default);

    /// <summary>
    /// What may have stalled the half-load window: the server's garbage-collection pauses summed (ms, from its /metrics)
    /// and the forks Redis made meanwhile (an append-only-file rewrite copies the data set while the cores are busy).
    /// </summary>
    /// <param name="LastForkMs">How long Redis's main thread stood still for its last fork (INFO stats latest_fork_usec).</param>
    /// <param name="AofMb">The append-only file's size at the window's start and end (MB; INFO persistence aof_current_size).</param>
    /// <param name="RedisLatency">Redis's own latency monitor for the window (events of 5 ms or more: the worst of each kind,
    /// e.g. <c>aof-fsync-always</c>, <c>command</c>, <c>fork</c>).</param>
    /// <param name="ChatsEnded">Chats the pairs' visitors left (and started anew) in the window.</param>
    /// <param name="ClientGcMs">This client's own GC pauses in the window (they delay sends and receipts alike).</param>
    private sealed record Stalls(double GcPauseMs, long? RedisForks, double? LastForkMs, (double From, double To)? AofMb = null, string? RedisLatency = null,
        Cpu? PerMessage = null, long ChatsEnded = 0, double ClientGcMs = 0)
    {
        public override string ToString() =>
            (ChatsEnded > 0 ? $"{ChatsEnded} chats left and started; " : "") + $"client gc {ClientGcMs:F0} ms; " + (PerMessage is { } c ? $"µs/msg server {c.Server:F0}" + (c.Redis is { } r ? $", Redis {r:F0}" : "") + $", client {c.Client:F0}; " : "") +
            $"gc {GcPauseMs:F0} ms" + (RedisForks > 0 ? $", Redis forked {RedisForks}x, the last {LastForkMs:F0} ms" : "") +
                                             (AofMb is var (from, to) ? $", AOF {from:F0}->{to:F0} MB" : "") +
                                             (RedisLatency is { Length: > 0 } l ? $", Redis worst: {l}" : "");
    }

    /// <param name="P99Settled">The p99 of the messages sent after the window's first second (the start of a load on a
    /// quiet server, where Redis's slow log puts most slow batches, left out): reported beside the whole window's.</param>
    private sealed record Latency(double P50, double P99, double P999 = double.NaN, double P99Settled = double.NaN);

    /// <summary>CPU time per relayed message in the throughput run (microseconds): server, Redis, benchmark client.</summary>
    private sealed record Cpu(double Server, double? Redis, double Client)
    {
        public double Total => Server + (Redis ?? 0) + Client;
    }

    public static async Task RunAsync(string[] args)
    {
        var o = new Options(Rate: Arg(args, "--rate", 200), Seconds: Arg(args, "--seconds", 10), HalfLoad: Arg(args, "--half-load", 0),
            Pairs: Arg(args, "--pairs", 20), Inflight: Arg(args, "--inflight", 8), Window: TimeSpan.FromSeconds(Arg(args, "--window", 5)),
            WarmUp: TimeSpan.FromSeconds(Arg(args, "--warmup", 3)), Idle: Arg(args, "--idle", 10_000), Assignments: Arg(args, "--assignments", 200),
            Fsync: Text(args, "--fsync") ?? "always", OneExpert: args.Contains("--one-expert"), ChatLength: Arg(args, "--chat-length", 1000));
        Console.WriteLine($"{o.Pairs} pairs; warm-up {o.WarmUp.TotalSeconds} s; throughput with {o.Inflight} in flight per pair for {o.Window.TotalSeconds} s; " +
                          $"latency at {o.Rate} msg/s on one pair and at half load over all pairs " +
                          (o.HalfLoad > 0 ? $"({o.HalfLoad} msg/s for every target)" : "(half of each target's own measured maximum)") + $", {o.Seconds} s each; " +
                          $"{o.Assignments} assignments; {o.Idle:N0} idle visitor connections; Redis appendfsync {o.Fsync}; " +
                          (o.OneExpert ? "one expert takes every chat (one socket receives them all)" : "each chat its own expert (as each relay room its own receiver)") +
                          (o.ChatLength > 0 ? $"; a visitor leaves after {o.ChatLength:N0} messages and a new one starts the next chat" : "; one endless chat a pair"));
        // --only a,c measures a subset (the ratios need (a) first); the default is all four. --repeat N measures every
        // target N times, interleaved (a, a2, b, c, a, a2, ...), each round on a fresh Redis, and prints the medians:
        // on a shared, noisy machine one round can be off by a third.
        var only = (Text(args, "--only") ?? "a,a2,b,c").Split(',');
        var repeat = Math.Max(1, Arg(args, "--repeat", 1));
        var rounds = new List<List<Result>>();
        for (var round = 1; round <= repeat; round++)
        {
            if (repeat > 1) Console.WriteLine($"round {round} of {repeat}");
            var dir = Path.Combine(Path.GetTempPath(), "chat-bench-" + Guid.NewGuid().ToString("n"));
            Directory.CreateDirectory(dir);
            var redis = await StartRedisAsync(dir, o.Fsync);
            var idle = round == repeat ? o : o with { Idle = 0 }; // memory once, in the last round
            try
            {
                var results = new List<Result>();
                if (only.Contains("a"))
                    results.Add(await MeasureAsync("(a) bare relay", await StartRelayAsync(), null, chat: false, idle));
                if (only.Contains("a2"))
                    results.Add(await MeasureAsync("(a2) relay+Redis", await StartRelayAsync(redis.Port), redis, chat: false, idle));
                if (only.Contains("b"))
                    results.Add(await MeasureAsync("(b) embedded", await StartChatAsync(dir, "embedded", null, o.ChatLength), null, chat: true, idle));
                if (only.Contains("c"))
                    results.Add(await MeasureAsync("(c) Redis", await StartChatAsync(dir, "redis", redis.Port, o.ChatLength), redis, chat: true, idle));
                if (only.Contains("c2"))
                {
                    // The Redis mode with two batches of appends on their way at once (Redis:AppendsInFlight=2), on a Redis of
                    // its own (as fresh as (c)'s was): (c) against (c2) is the lever's A/B in the same round.
                    var dir2 = Path.Combine(dir, "c2");
                    Directory.CreateDirectory(dir2);
                    var redis2 = await StartRedisAsync(dir2, o.Fsync);
                    try
                    {
                        results.Add(await MeasureAsync("(c2) Redis, 2 fl.", await StartChatAsync(dir, "redis2", redis2.Port, o.ChatLength, extra: InFlight2),
                            redis2, chat: true, idle));
                    }
                    finally
                    {
                        redis2.Process.Kill(true);
                    }
                }
                if (round == repeat && o.Idle > 0)
                {
                    // Memory of idle visitors alone: each target again, fresh, with nothing but the idle connections.
                    Console.Write("idle connections on fresh servers: ");
                    var fresh = new List<(double Kb, double Mb)>();
                    foreach (var r in results)
                        fresh.Add(r.Name switch
                        {
                            "(a) bare relay" => await FreshIdleAsync(await StartRelayAsync(), false, o.Idle),
                            "(a2) relay+Redis" => await FreshIdleAsync(await StartRelayAsync(redis.Port), false, o.Idle),
                            "(b) embedded" => await FreshIdleAsync(await StartChatAsync(dir, "embedded-fresh", null, o.ChatLength), true, o.Idle),
                            "(c) Redis" => await FreshIdleAsync(await StartChatAsync(dir, "redis-fresh", redis.Port, o.ChatLength, "bench-fresh:"), true, o.Idle),
                            _ => await FreshIdleAsync(await StartChatAsync(dir, "redis2-fresh", redis.Port, o.ChatLength, "bench2-fresh:", InFlight2), true, o.Idle),
                        });
                    Console.WriteLine("done");
                    results = results.Select((r, i) => r with { FreshKb = fresh[i].Kb, FreshMb = fresh[i].Mb }).ToList();
                }
                rounds.Add(results);
            }
            finally
            {
                redis.Process.Kill(true);
                try { Directory.Delete(dir, true); } catch (IOException) { /* best effort */ }
            }
        }
        if (repeat > 1)
        {
            Console.WriteLine();
            Console.WriteLine("throughput / (a) per round (server µs a message; the server's JIT time and GC pauses in the window):");
            foreach (var (r, i) in rounds[0].Select((r, i) => (r, i)))
                Console.WriteLine($"  {r.Name,-17} " + string.Join("   ", rounds.Select(x =>
                    $"{x[i].Throughput / x[0].Throughput:F2} ({x[i].PerMessage.Server:F1} µs; jit {x[i].ThroughputRuntime.JitMs:F0} ms, gc {x[i].ThroughputRuntime.GcMs:F0} ms)")));
            Console.WriteLine("half-load p99 / (a) per round (p99.9 ms; the server's GC pauses in the window, summed; Redis's forks in it):");
            foreach (var (r, i) in rounds[0].Select((r, i) => (r, i)))
            {
                Console.WriteLine($"  {r.Name,-17} " + string.Join("   ", rounds.Select(x =>
                    $"{x[i].Half.P99 / x[0].Half.P99:F2} (after the first second {x[i].Half.P99Settled / x[0].Half.P99Settled:F2}; {x[i].Half.P999:F0} ms; {x[i].HalfStalls})")));
                if (r.HalfInRewrite is not null)
                    Console.WriteLine($"  {"  in a rewrite",-17} " + string.Join("   ", rounds.Select(x =>
                        $"{x[i].HalfInRewrite!.P99 / x[0].Half.P99:F2} (after the first second {x[i].HalfInRewrite!.P99Settled / x[0].Half.P99Settled:F2}; {x[i].HalfInRewrite!.P999:F0} ms; {x[i].RewriteStalls})")));
            }
            PrintSpread(rounds);
        }
        Print(Median(rounds), o);
    }

    /// <summary>Every figure the median of the rounds (memory: the last round's, the only one that measures it).</summary>
    private static List<Result> Median(List<List<Result>> rounds)
    {
        static double M(IEnumerable<double> xs) { var a = xs.Order().ToArray(); return a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2; }
        static double? N(IEnumerable<double?> xs) => xs.Any(x => x is null) ? null : M(xs.Select(x => x!.Value));
        return rounds[0].Select((first, i) =>
        {
            var all = rounds.Select(r => r[i]).ToList();
            var last = all[^1];
            return new Result(first.Name,
                new Latency(M(all.Select(r => r.Light.P50)), M(all.Select(r => r.Light.P99)), M(all.Select(r => r.Light.P999))),
                new Latency(M(all.Select(r => r.Half.P50)), M(all.Select(r => r.Half.P99)), M(all.Select(r => r.Half.P999))), (int)M(all.Select(r => (double)r.HalfRate)),
                M(all.Select(r => r.Throughput)), N(all.Select(r => r.AssignP50)), N(all.Select(r => r.AssignP99)),
                last.KbPerConnection, last.MbTotal,
                new Cpu(M(all.Select(r => r.PerMessage.Server)), N(all.Select(r => r.PerMessage.Redis)), M(all.Select(r => r.PerMessage.Client))),
                last.FreshKb, last.FreshMb,
                HalfInRewrite: all.All(r => r.HalfInRewrite is not null)
                    ? new Latency(M(all.Select(r => r.HalfInRewrite!.P50)), M(all.Select(r => r.HalfInRewrite!.P99)), M(all.Select(r => r.HalfInRewrite!.P999)))
                    : null);
        }).ToList();
    }

    // ---- servers ------------------------------------------------------------------------------------

    /// <summary>
    /// The relay runs from this console program's dll, whose default is the workstation GC; a web app's is the server GC.
    /// Until 2026-12-04 the relay ran with the workstation GC, so its memory and tails were not the framework's as
    /// deployed: it now runs with the server GC, the framework's default. (Chat.Server sets the workstation GC in its own
    /// project since 2026-12-05: less memory on a project's one or two cores, docs/benchmarks.md.)
    /// </summary>
    private static Task<ServerProcess> StartRelayAsync(int? redisPort = null)
    {
        var env = new Dictionary<string, string> { ["DOTNET_gcServer"] = "1" };
        if (redisPort is { } port) env["Relay__Redis"] = $"127.0.0.1:{port}";
        return ServerProcess.StartAsync(env, dll: typeof(LiveBenchmark).Assembly.Location, extraArgs: "relay-server");
    }

    private static readonly Dictionary<string, string> InFlight2 = new() { ["Redis__AppendsInFlight"] = "2" };

    private static async Task<ServerProcess> StartChatAsync(string dir, string name, int? redisPort, int chatLength, string keyPrefix = "bench:",
        IReadOnlyDictionary<string, string>? extra = null)
    {
        var db = Path.Combine(dir, name + ".db");
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Records"] = $"Data Source={db}",
            ["DataProtection__KeysPath"] = Path.Combine(dir, name + "-keys"),
            ["Chat__CallsPerSecond"] = "1000000",
            ["Chat__CallBurst"] = "1000000",
            // The product's per-chat cap (1000 by default) unless the benchmark's chats are longer (--chat-length, 0: endless).
            ["Chat__MaxMessagesPerChat"] = (chatLength == 0 ? 10_000_000 : Math.Max(1000, chatLength)).ToString(CultureInfo.InvariantCulture),
            // The benchmark signs in one expert per pair from one address.
            ["Abuse__SignInsPerMinute"] = "1000",
        };
        if (redisPort is { } port)
        {
            env["ConnectionStrings__Redis"] = $"127.0.0.1:{port}";
            env["Redis__KeyPrefix"] = keyPrefix;
        }
        foreach (var (name2, value) in extra ?? new Dictionary<string, string>()) env[name2] = value;
        // For experiments on our server alone (the relay and this client keep theirs): BENCH_CHAT_ENV="DOTNET_GCHeapCount=1;X=y".
        foreach (var pair in (Environment.GetEnvironmentVariable("BENCH_CHAT_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            env[pair.Split('=', 2)[0]] = pair.Split('=', 2) is [_, var v] ? v : throw new ArgumentException($"BENCH_CHAT_ENV: '{pair}' is not NAME=value.");
        var server = await ServerProcess.StartAsync(env);
        // expert1 takes the assignment runs' chats (and, with --one-expert, every chat of the benchmark).
        await using var conn = new SqliteConnection($"Data Source={db}");
        await conn.OpenAsync();
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "UPDATE AspNetUsers SET MaxChats = 100000 WHERE UserName = 'expert1'";
        await cmd.ExecuteNonQueryAsync();
        return server;
    }

    internal sealed record RedisProcess(Process Process, int Port);

    internal static async Task<RedisProcess> StartRedisAsync(string dir, string fsync)
    {
        var port = ServerProcess.FreePort();
        var psi = new ProcessStartInfo("redis-server",
            $"--port {port} --bind 127.0.0.1 --dir {dir} --appendonly yes --appendfsync {fsync} --save \"\" --latency-monitor-threshold 5 --slowlog-log-slower-than 5000 " + Environment.GetEnvironmentVariable("BENCH_REDIS_ARGS"))
        { RedirectStandardOutput = true, UseShellExecute = false };
        var ready = new TaskCompletionSource();
        var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data?.Contains("Ready to accept connections") == true) ready.TrySetResult(); };
        p.Start();
        p.BeginOutputReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(20));
        return new RedisProcess(p, port);
    }

    private static Process? Hook(string? command, string window, int serverPid, int? redisPid)
    {
        if (string.IsNullOrWhiteSpace(command)) return null;
        var psi = new ProcessStartInfo("bash", ["-c", command]) { UseShellExecute = false };
        psi.Environment["SERVER_PID"] = serverPid.ToString(CultureInfo.InvariantCulture);
        psi.Environment["REDIS_PID"] = redisPid?.ToString(CultureInfo.InvariantCulture) ?? "";
        psi.Environment["WINDOW"] = window;
        return Process.Start(psi);
    }

    // ---- measurements ---------------------------------------------------------------------------------

    private static async Task<Result> MeasureAsync(string name, ServerProcess server, RedisProcess? redis, bool chat, Options o)
    {
        await using var serverLifetime = server;
        var redisPid = redis?.Process.Id;
        Console.Write($"{name}: ");
        var sent = new ConcurrentDictionary<string, long>();
        var latencies = new Samples(0); // one per latency window, made before it starts
        var received = 0L;
        void OnMessage(JsonElement m)
        {
            if (m.GetProperty("from").GetString() != "visitor") return;
            var id = m.GetProperty("clientMessageId").GetString()!;
            if (sent.TryRemove(id, out var t0)) Volatile.Read(ref latencies).Add(t0, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            Interlocked.Increment(ref received);
        }

        HubConnection? expert = null;
        var pairExperts = new List<HubConnection>();
        var assigned = new ConcurrentQueue<string>();
        var assignedSignal = new SemaphoreSlim(0);
        async Task<HubConnection> ExpertAsync(string userName, string password)
        {
            var c = server.Hub("/hubs/expert", await server.CookieAsync(userName, password));
            c.On<JsonElement>("MessageReceived", OnMessage);
            // expert1's chats are the assignment runs' (the pairs' visitors see their own chat start).
            if (userName == "expert1")
                c.On<JsonElement>("ChatAssigned", e => { assigned.Enqueue(e.GetProperty("conversationId").GetString()!); assignedSignal.Release(); });
            await c.StartAsync();
            await c.InvokeAsync<JsonElement>("SetAvailability", "available");
            return c;
        }
        if (chat && o.OneExpert) expert = await ExpertAsync("expert1", "Demo-Expert-1");

        async Task<Pair> PairAsync(int i)
        {
            if (chat)
            {
                // As in the relay, where each room has its own receiver: each chat its own expert (one chat at most),
                // as on a real shift, instead of one socket that receives every chat's messages.
                if (!o.OneExpert) pairExperts.Add(await ExpertAsync(BenchExperts.UserName(i), BenchExperts.Password));
                var visitor = await RotatingVisitor.StartAsync(server, o.ChatLength, id => sent[id] = Stopwatch.GetTimestamp());
                return new Pair(visitor.SendAsync, () => visitor.InChat);
            }
            var room = "room" + i;
            var a = server.Hub("/hubs/relay");
            var b = server.Hub("/hubs/relay");
            b.On<JsonElement>("MessageReceived", OnMessage);
            await a.StartAsync();
            await b.StartAsync();
            await a.InvokeAsync("Join", room);
            await b.InvokeAsync("Join", room);
            return new Pair((id, text) => a.InvokeAsync<JsonElement>("Send", room, id, text), () => true);
        }

        if (chat && !o.OneExpert) await BenchExperts.CreateAsync(server, o.Pairs);
        var senders = new List<Pair>();
        for (var i = 0; i < o.Pairs; i++) senders.Add(await PairAsync(i));

        // Every pair sends as fast as it can with some messages in flight, for a while; returns the messages received.
        async Task<long> FloodAsync(TimeSpan window, string tag)
        {
            Interlocked.Exchange(ref received, 0);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(senders.Select((s, i) => Task.Run(async () =>
            {
                using var slots = new SemaphoreSlim(o.Inflight);
                var n = 0;
                while (clock.Elapsed < window)
                {
                    await slots.WaitAsync();
                    _ = Send(s.SendAsync, sent, $"{tag}{i}-{n++}").ContinueWith(_ => slots.Release());
                }
            })));
            await WaitFor(() => sent.IsEmpty, TimeSpan.FromSeconds(10));
            sent.Clear();
            return Interlocked.Read(ref received);
        }

        // A fixed offered rate spread over the given pairs; end-to-end latency (send to receive at the other side).
        async Task<Latency> OfferedAsync(IReadOnlyList<Pair> by, int rate, string tag)
        {
            Volatile.Write(ref latencies, new Samples(rate * o.Seconds));
            // The client's own garbage from the runs before collected now, not in the window.
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var clock = Stopwatch.StartNew();
            var settledFrom = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            var pending = new List<Task>();
            var cursor = -1;
            for (var i = 0; i < rate * o.Seconds; i++)
            {
                var wait = TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait); // pacing of the offered load
                // A pair between two chats passes its turn to the next pair in a chat: a visitor does not type into a chat
                // that is not there yet, and the messages held for the change would go as one burst into one connection,
                // whose calls run in order, at most 8 at once (in Redis mode each waits for an fsynced append).
                // The turns go round the pairs in a chat, so the other pairs share the passed turns evenly.
                var pair = by[cursor = (cursor + 1) % by.Count];
                for (var j = 1; j < by.Count && !pair.InChat(); j++) pair = by[cursor = (cursor + 1) % by.Count];
                pending.Add(Send(pair.SendAsync, sent, tag + i));
            }
            await Task.WhenAll(pending);
            await WaitFor(() => sent.IsEmpty, TimeSpan.FromSeconds(10));
            sent.Clear();
            var window = latencies.All;
            var sorted = window.Select(l => l.Ms).Order().ToArray();
            var settled = window.Where(l => l.SentAt >= settledFrom).Select(l => l.Ms).Order().ToArray();
            return new Latency(Pct(sorted, 0.5), Pct(sorted, 0.99), Pct(sorted, 0.999), settled.Length > 0 ? Pct(settled, 0.99) : double.NaN);
        }

        // 1. Warm-up (JIT tiering, pools, connections), not measured; then until the server is quiet: the runtime
        // compiles the hot methods again in the background (tier 1 with the profile of the warm-up), and on two
        // shared cores that took up to 0.87 s of CPU a second well into a 5 s throughput window, in one target more
        // than in another (the relay has far fewer methods). Each measurement starts from a settled server.
        await FloodAsync(o.WarmUp, "w");
        // Then on under load until the JIT is done: with tiered compilation (and its PGO tier in between) a hot method is
        // compiled at tier 1 only after it has been called often enough with call counting on, which starts once no new
        // method has been compiled for a while. Our server has many more methods than the relay, and after 3 s of flood
        // it still compiled its hot path at tier 1 for 1.0-2.1 s of the 5 s throughput window (the relay: 0 ms),
        // which made one round's CPU a message twice another's. A deployed server is past this within its first minute.
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 30; i++)
        {
            var jit = await RuntimeSecondsAsync(server, "dotnet_jit_compilation_time_seconds_total");
            await FloodAsync(TimeSpan.FromSeconds(1), $"w{i}-");
            if (await RuntimeSecondsAsync(server, "dotnet_jit_compilation_time_seconds_total") - jit < 0.02) break;
        }
        Console.Write($"(warm after {o.WarmUp.TotalSeconds + warm.Elapsed.TotalSeconds:F0} s) ");
        await SettleAsync(server.ProcessId, redisPid);

        // 2. Maximum throughput, with the CPU each process spent on it.
        var (jitBefore, gcBefore) = (await RuntimeSecondsAsync(server, "dotnet_jit_compilation_time_seconds_total"),
            await RuntimeSecondsAsync(server, "dotnet_gc_pause_time_seconds_total"));
        // CPU seconds of the server, Redis and this client now; and per message since such a reading (microseconds).
        (double Server, double Redis, double Client) CpuNow() =>
            (CpuSeconds(server.ProcessId), redisPid is { } rp ? CpuSeconds(rp) : 0, CpuSeconds(Environment.ProcessId));
        Cpu CpuPerMessage((double Server, double Redis, double Client) before, double messages)
        {
            var (now, each) = (CpuNow(), 1e6 / Math.Max(1, messages));
            return new Cpu((now.Server - before.Server) * each, redisPid is null ? null : (now.Redis - before.Redis) * each, (now.Client - before.Client) * each);
        }
        var cpuBefore = CpuNow();
        var relayed = await FloodAsync(o.Window, "t");
        var throughput = relayed / o.Window.TotalSeconds;
        var cpu = CpuPerMessage(cpuBefore, relayed);
        // Still compiling in the window? (the JIT's background tier-up after the warm-up; it was 15-24% of the server's
        // samples in some rounds): its time, and the GC's pauses, in the throughput window.
        var throughputRuntime = ((await RuntimeSecondsAsync(server, "dotnet_jit_compilation_time_seconds_total") - jitBefore) * 1000,
            (await RuntimeSecondsAsync(server, "dotnet_gc_pause_time_seconds_total") - gcBefore) * 1000);

        // 3. Latency at a light fixed rate on one pair, and at "half load" over all pairs.
        var light = await OfferedAsync([senders[0]], o.Rate, "l");
        var halfRate = o.HalfLoad > 0 ? o.HalfLoad : (int)(throughput / 2);
        // Redis mode: the append-only file's rewrite is a stall of its own (a forked child copies the whole data set while
        // the cores are busy). What triggers it here is the benchmark's own volume (hundreds of thousands of messages a
        // round, where a deployment writes thousands a day), so the steady window comes after the rewrite that volume has
        // made due, and a second window measures the same load with a rewrite running: both are reported.
        if (chat && redis is not null)
        {
            await RedisCliAsync(redis, "BGREWRITEAOF");
            await RewriteDoneAsync(redis);
            await SettleAsync(server.ProcessId, redisPid);
        }
        async Task<(Latency, Stalls)> HalfLoadAsync(string tag, bool rewrite)
        {
            var before = await StallCountersAsync(server, redis);
            if (redis is not null) { await RedisCliAsync(redis, "LATENCY RESET"); await RedisCliAsync(redis, "SLOWLOG RESET"); }
            if (rewrite) await RedisCliAsync(redis!, "BGREWRITEAOF");
            // For profiling a window from outside (e.g. BENCH_HALF_HOOK="perf sched record -a -o /tmp/s.data -- sleep 10"):
            // started as the window starts, with the server's and Redis's process ids in SERVER_PID and REDIS_PID.
            using var hook = Hook(Environment.GetEnvironmentVariable("BENCH_HALF_HOOK"), name + " " + tag, server.ProcessId, redisPid);
            var windowStart = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var (cpu0, ended0, clientGc0) = (CpuNow(), RotatingVisitor.Ended, GC.GetTotalPauseDuration());
            var latency = await OfferedAsync(senders, halfRate, tag);
            // The CPU a message costs at this rate, against the throughput window's (smaller batches, fewer wake-ups shared).
            var halfCpu = CpuPerMessage(cpu0, (double)halfRate * o.Seconds);
            var after = await StallCountersAsync(server, redis);
            return (latency, new Stalls((after.GcSeconds - before.GcSeconds) * 1000, after.Forks - before.Forks, after.LastForkMs,
                before.AofMb is { } f && after.AofMb is { } t ? (f, t) : null,
                redis is null ? null : string.Join(", ", new[] { await RedisLatencyAsync(redis), await SlowestAsync(redis, windowStart) }.Where(x => x.Length > 0)),
                halfCpu, RotatingVisitor.Ended - ended0, (GC.GetTotalPauseDuration() - clientGc0).TotalMilliseconds));
        }
        var (half, halfStalls) = await HalfLoadAsync("h", rewrite: false);
        (Latency, Stalls)? inRewrite = null;
        if (chat && redis is not null)
        {
            await RewriteDoneAsync(redis);
            await SettleAsync(server.ProcessId, redisPid);
            inRewrite = await HalfLoadAsync("r", rewrite: true);
        }

        // 4. Assignment latency: visitor starts a chat until the expert is told.
        double? a50 = null, a99 = null;
        if (chat)
        {
            // expert1 (no limit on chats) comes on shift now that every pair's expert has its chat (before, it would have
            // taken the pairs' next chats): it takes the assignment runs.
            if (!o.OneExpert) expert = await ExpertAsync("expert1", "Demo-Expert-1");
            while (assignedSignal.CurrentCount > 0) await assignedSignal.WaitAsync(); // --one-expert: the pairs' chats
            assigned.Clear();
            var times = new List<double>();
            for (var i = 0; i < o.Assignments; i++)
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

        // 5. Memory per idle visitor connection (server process, resident set), after the runs above: in the embedded
        // mode the server then also holds the runs' message logs (until their grace period), so see the fresh figures too.
        var (kb, mb, idleConnections) = await IdleAsync(server, chat ? "/hubs/visitor" : "/hubs/relay", o.Idle);
        Console.WriteLine("done");
        foreach (var c in idleConnections) _ = c.DisposeAsync();
        if (expert is not null) await expert.DisposeAsync();
        foreach (var c in pairExperts) await c.DisposeAsync();
        return new Result(name, light, half, halfRate, throughput, a50, a99, kb, mb, cpu, HalfStalls: halfStalls,
            HalfInRewrite: inRewrite?.Item1, RewriteStalls: inRewrite?.Item2, ThroughputRuntime: throughputRuntime);
    }

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The server's GC pause seconds so far (its /metrics) and the forks its Redis made so far (INFO stats).</summary>
    private static async Task<(double GcSeconds, long? Forks, double? LastForkMs, double? AofMb)> StallCountersAsync(ServerProcess server, RedisProcess? redis)
    {
        var gc = await RuntimeSecondsAsync(server, "dotnet_gc_pause_time_seconds_total");
        long? forks = null;
        double? lastForkMs = null, aofMb = null;
        if (redis is not null)
        {
            var info = await RedisInfoAsync(redis);
            forks = long.Parse(info["total_forks"]);
            lastForkMs = long.Parse(info["latest_fork_usec"]) / 1000.0;
            if (info.TryGetValue("aof_current_size", out var aof)) aofMb = long.Parse(aof) / 1048576.0;
        }
        return (gc, forks, lastForkMs, aofMb);
    }

    /// <summary>A runtime counter of the server's /metrics (System.Runtime meter), summed over its labels.</summary>
    private static async Task<double> RuntimeSecondsAsync(ServerProcess server, string metric)
    {
        var metrics = await Http.GetStringAsync(server.BaseUrl + "/metrics");
        var sum = 0.0;
        foreach (var line in metrics.Split('\n'))
        {
            if (!line.StartsWith(metric, StringComparison.Ordinal) || line.Length == metric.Length || line[metric.Length] is not ('{' or ' ')) continue;
            // name, optional {labels}, value, optional timestamp
            var fields = line[(line.Contains('}') ? line.LastIndexOf('}') + 1 : metric.Length)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            sum += double.Parse(fields[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        return sum;
    }

    /// <summary>One command through redis-cli; its reply as text.</summary>
    private static async Task<string> RedisCliAsync(RedisProcess redis, string command)
    {
        var cli = Process.Start(new ProcessStartInfo("redis-cli", $"-p {redis.Port} {command}") { RedirectStandardOutput = true })!;
        var text = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        return text;
    }

    /// <summary>LATENCY LATEST as "event max ms, ...": the worst stall of each kind since the last LATENCY RESET.</summary>
    private static async Task<string> RedisLatencyAsync(RedisProcess redis)
    {
        // Not a terminal, so redis-cli prints one field a line: event, time, latest ms, max ms, for each event.
        var f = (await RedisCliAsync(redis, "LATENCY LATEST")).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(", ", f.Chunk(4).Where(e => e.Length == 4).Select(e => $"{e[0]} {e[3]} ms"));
    }

    /// <summary>The slowest commands of 5 ms or more since SLOWLOG RESET: the command, its key count and first key's kind.</summary>
    /// <param name="windowStart">Unix seconds when the window started: each slow entry is placed in the window's seconds.</param>
    private static async Task<string> SlowestAsync(RedisProcess redis, long windowStart)
    {
        using var log = JsonDocument.Parse(await RedisCliAsync(redis, "--json SLOWLOG GET 128"));
        var entries = log.RootElement.EnumerateArray()
            .Select(e => (At: e[1].GetInt64() - windowStart, Us: e[2].GetInt64(), Args: e[3].EnumerateArray().Select(a => a.GetString() ?? "").ToArray()))
            .ToList();
        var slowest = entries.OrderByDescending(e => e.Us).Take(2)
            .Select(e => $"slow {e.Args[0].ToLowerInvariant()}" +
                         (e.Args.Length > 3 && e.Args[0].StartsWith("eval", StringComparison.OrdinalIgnoreCase)
                             ? $" ({e.Args[2]} keys, {string.Join(':', e.Args[3].Split(':').Take(2))}:…)" : e.Args.Length > 1 ? $" {e.Args[1]}" : "") +
                         $" {e.Us / 1000.0:F0} ms at {e.At}s");
        // When in the window Redis was slow: the count of slow-log entries in each second (a burst at 0 s is the start).
        var when = entries.Count == 0 ? "" : "slow log by second: " + string.Join(" ", entries.GroupBy(e => e.At).OrderBy(g => g.Key).Select(g => $"{g.Key}s×{g.Count()}"));
        return string.Join(", ", slowest.Append(when).Where(x => x.Length > 0));
    }

    /// <summary>INFO (stats and persistence) as field -> value.</summary>
    private static async Task<Dictionary<string, string>> RedisInfoAsync(RedisProcess redis) =>
        (await RedisCliAsync(redis, "info stats") + await RedisCliAsync(redis, "info persistence"))
            .Split('\n').Select(l => l.Trim().Split(':', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);

    /// <summary>Until Redis has no append-only-file rewrite running or scheduled (at most a minute).</summary>
    private static async Task RewriteDoneAsync(RedisProcess redis)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            var info = await RedisInfoAsync(redis);
            if (info["aof_rewrite_in_progress"] == "0" && info["aof_rewrite_scheduled"] == "0") return;
            await Task.Delay(200); // polling another process's state: there is no event to wait for
        }
        throw new TimeoutException("Redis's append-only-file rewrite did not finish within a minute.");
    }

    /// <summary>
    /// Waits until the server (and Redis) spend less than 3% of a core over half a second (background JIT, GC and the
    /// append-only file done), at most 20 s; prints how long it took when that was more than a second.
    /// </summary>
    private static async Task SettleAsync(int serverPid, int? redisPid)
    {
        var clock = Stopwatch.StartNew();
        double Busy() => CpuSeconds(serverPid) + (redisPid is { } r ? CpuSeconds(r) : 0);
        var before = Busy();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(500); // sampling interval of /proc, not a wait for an event
            var now = Busy();
            if (now - before < 0.015) break;
            before = now;
        }
        if (clock.Elapsed > TimeSpan.FromSeconds(1)) Console.Write($"(settled after {clock.Elapsed.TotalSeconds:F1} s) ");
    }

    /// <summary>Opens <paramref name="idle"/> visitor connections that do nothing: KB each and the server's MB after.</summary>
    private static async Task<(double Kb, double Mb, IReadOnlyCollection<HubConnection> Connections)> IdleAsync(ServerProcess server, string path, int idle)
    {
        var before = Rss(server.ProcessId);
        var connections = new ConcurrentBag<HubConnection>();
        for (var batch = 0; batch < idle; batch += 250)
            await Task.WhenAll(Enumerable.Range(0, Math.Min(250, idle - batch)).Select(async _ =>
            {
                var c = server.Hub(path);
                await c.StartAsync();
                connections.Add(c);
            }));
        var after = Rss(server.ProcessId);
        return ((after - before) / 1024.0 / Math.Max(1, idle), after / 1048576.0, connections);
    }

    /// <summary>The idle figures on a fresh server process that has carried no chat: what idle visitors alone cost.</summary>
    private static async Task<(double Kb, double Mb)> FreshIdleAsync(ServerProcess server, bool chat, int idle)
    {
        await using var lifetime = server;
        var (kb, mb, connections) = await IdleAsync(server, chat ? "/hubs/visitor" : "/hubs/relay", idle);
        foreach (var c in connections) _ = c.DisposeAsync();
        return (kb, mb);
    }

    /// <summary>
    /// The latencies of one window in arrays made before it starts: a bag growing to hundreds of thousands of entries
    /// during the window survived into the client's older generations and lengthened its GC pauses, which then showed
    /// as the targets' tail (mostly the relay's, whose rate is the highest). Messages beyond the capacity (the flood
    /// windows after it) are not kept.
    /// </summary>
    private sealed class Samples(int capacity)
    {
        private readonly long[] _sentAt = new long[capacity];
        private readonly double[] _ms = new double[capacity];
        private int _count;

        public void Add(long sentAt, double ms)
        {
            var i = Interlocked.Increment(ref _count) - 1;
            if (i < capacity) (_sentAt[i], _ms[i]) = (sentAt, ms);
        }

        /// <summary>Read once every message of the window has arrived (or the wait for them has timed out).</summary>
        public (long SentAt, double Ms)[] All =>
            Enumerable.Range(0, Math.Min(Volatile.Read(ref _count), capacity)).Select(i => (_sentAt[i], _ms[i])).ToArray();
    }

    /// <summary>One sender of the benchmark: a relay room's, or a pair's visitor in our service.</summary>
    /// <param name="InChat">Whether a message sent now goes into a running chat (false between two chats).</param>
    private sealed record Pair(Func<string, string, Task> SendAsync, Func<bool> InChat);

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

    /// <summary>User + system CPU seconds of a process and its reaped children (Redis's AOF rewrites), from /proc.</summary>
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[11..14]: utime, stime, cutime, cstime in clock ticks (100 a second on Linux).
        return Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i])) / 100.0;
    }

    private static double Pct(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    /// <summary>
    /// The spread of the rounds: for each target, min / median / max of the figures the goals are about (ratios taken
    /// within each round, against that round's bare relay), so a reader sees how far one round can be from another.
    /// </summary>
    private static void PrintSpread(List<List<Result>> rounds)
    {
        static string Mmm(IEnumerable<double> xs, string format)
        {
            var a = xs.Where(x => !double.IsNaN(x)).Order().ToArray();
            if (a.Length == 0) return "n/a";
            var median = a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2;
            return $"{a[0].ToString(format)} / {median.ToString(format)} / {a[^1].ToString(format)}";
        }
        Console.WriteLine();
        Console.WriteLine($"spread over {rounds.Count} rounds, min / median / max (ratios within each round, against its (a)):");
        Console.WriteLine($"{"target",-17} {"msg/s/(a)",-20} {"half p99/(a)",-20} {"half p99.9 ms",-24} {"server µs/msg",-22} {"assign p99 ms",-22} {"half p99/(a) after 1 s",-22}");
        for (var i = 0; i < rounds[0].Count; i++)
        {
            var all = rounds.Select(r => (Me: r[i], A: r[0])).ToList();
            Console.WriteLine($"{all[0].Me.Name,-17} {Mmm(all.Select(x => x.Me.Throughput / x.A.Throughput), "F2"),-20} " +
                              $"{Mmm(all.Select(x => x.Me.Half.P99 / x.A.Half.P99), "F2"),-20} {Mmm(all.Select(x => x.Me.Half.P999), "F1"),-24} " +
                              $"{Mmm(all.Select(x => x.Me.PerMessage.Server), "F1"),-22} {Mmm(all.Select(x => x.Me.AssignP99 ?? double.NaN), "F1"),-22} " +
                              $"{Mmm(all.Select(x => x.Me.Half.P99Settled / x.A.Half.P99Settled), "F2"),-22}");
            if (i > 0)
                Console.WriteLine($"{"  bound/(a)",-17} {Mmm(all.Select(x => BoundOverRelay(x.Me, x.A)), "F2"),-20} " +
                                  "(the most msg/s/(a) with a server as cheap as the relay's: CPU table)");
            if (all.All(x => x.Me.HalfInRewrite is not null))
                Console.WriteLine($"{"  in a rewrite",-17} {"",-20} {Mmm(all.Select(x => x.Me.HalfInRewrite!.P99 / x.A.Half.P99), "F2"),-20} " +
                                  $"{Mmm(all.Select(x => x.Me.HalfInRewrite!.P999), "F1"),-24} {"",-22} {"",-22} " +
                                  $"{Mmm(all.Select(x => x.Me.HalfInRewrite!.P99Settled / x.A.Half.P99Settled), "F2"),-22}");
        }
    }

    private static void Print(List<Result> results, Options o)
    {
        var a = results[0];
        string F(double? v, string format = "F2") => v is { } x ? x.ToString(format) : "n/a";
        Console.WriteLine();
        Console.WriteLine($"{"target",-17} {"p50",6} {"p99",6} {"p99/(a)",8} {"rate",7} {"p50",6} {"p99",6} {"p99/(a)",8} {"p99.9",7} {"msg/s",8} {"msg/s/(a)",10} " +
                          $"{"assign p50",11} {"assign p99",11} {"KB/idle conn",13} {"server MB",10}");
        Console.WriteLine($"{"",-17} {$"ms at {o.Rate} msg/s, one pair",-22} {"half load: msg/s, ms (all pairs)",-30}");
        foreach (var r in results)
            Console.WriteLine($"{r.Name,-17} {r.Light.P50,6:F2} {r.Light.P99,6:F2} {r.Light.P99 / a.Light.P99,8:F2} " +
                              $"{r.HalfRate,7} {r.Half.P50,6:F2} {r.Half.P99,6:F2} {r.Half.P99 / a.Half.P99,8:F2} {r.Half.P999,7:F1} {r.Throughput,8:F0} {r.Throughput / a.Throughput,10:F2} " +
                              $"{F(r.AssignP50),11} {F(r.AssignP99),11} {r.KbPerConnection,13:F1} {r.MbTotal,10:F0}");
        foreach (var r in results.Where(r => r.HalfInRewrite is not null))
            Console.WriteLine($"{r.Name + ", half load with Redis rewriting its append-only file",-17}: p50 {r.HalfInRewrite!.P50:F2}, p99 {r.HalfInRewrite.P99:F2} " +
                              $"({r.HalfInRewrite.P99 / a.Half.P99:F2} of (a)'s steady p99), p99.9 {r.HalfInRewrite.P999:F1} ms");
        Console.WriteLine($"(server MB: resident memory of the server process with {o.Idle:N0} idle visitor connections open, after the runs above)");
        if (results.Any(r => !double.IsNaN(r.FreshMb)))
        {
            Console.WriteLine();
            Console.WriteLine($"{o.Idle:N0} idle visitor connections on a fresh server process (no chat before them):");
            Console.WriteLine($"{"target",-17} {"KB/idle conn",13} {"server MB",10} {"MB/(a)",7}");
            foreach (var r in results)
                Console.WriteLine($"{r.Name,-17} {r.FreshKb,13:F1} {r.FreshMb,10:F0} {r.FreshMb / a.FreshMb,7:F2}");
        }
        Console.WriteLine();
        Console.WriteLine("CPU per relayed message in the throughput run (microseconds; the processes share this machine's cores), and what");
        Console.WriteLine($"that allows on {Environment.ProcessorCount} cores: the ceiling (every core busy with this target's work), the share of it reached,");
        Console.WriteLine("and the most msg/s/(a) this target could reach with a server as cheap as the bare relay's (its Redis and client work as measured):");
        Console.WriteLine($"{"target",-17} {"server",8} {"Redis",8} {"client",8} {"total",8} {"ceiling",9} {"reached",8} {"bound/(a)",10}");
        foreach (var r in results)
            Console.WriteLine($"{r.Name,-17} {r.PerMessage.Server,8:F1} {F(r.PerMessage.Redis, "F1"),8} " +
                              $"{r.PerMessage.Client,8:F1} {r.PerMessage.Total,8:F1} {Ceiling(r.PerMessage),9:F0} {r.Throughput / Ceiling(r.PerMessage),8:F2} " +
                              $"{BoundOverRelay(r, a),10:F2}");
    }

    /// <summary>Messages a second the machine's cores allow for this CPU a message (each core busy all the time).</summary>
    private static double Ceiling(Cpu c) => Environment.ProcessorCount * 1e6 / c.Total;

    /// <summary>
    /// The most throughput / (a) a target can reach on this machine if its server cost no more than the bare relay (a)'s,
    /// its Redis and client work as measured: what no server-side cut can go beyond while Redis and the client share the
    /// cores. (The client's work follows the protocol: ours sends the message to both sides, the relay to the other only.)
    /// </summary>
    private static double BoundOverRelay(Result r, Result a) =>
        Ceiling(r.PerMessage with { Server = Math.Min(r.PerMessage.Server, a.PerMessage.Server) }) / a.Throughput;

    private static string? Text(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
    }

}
