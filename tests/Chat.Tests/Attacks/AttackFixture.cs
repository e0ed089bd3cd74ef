using System.Net.Http.Json;
using System.Net.WebSockets;
using Chat.Server.Conversations;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Attacks;

/// <summary>
/// The server on a real Kestrel socket with the production defaults of every abuse limit, behind a pretend reverse
/// proxy: loopback is the trusted proxy, so each attack names its client address in X-Forwarded-For (documentation
/// ranges, RFC 5737). Hub connections are the official HubConnection over a real ClientWebSocket.
/// </summary>
public class AttackFixture : IAsyncLifetime
{
    public const string ProjectSite = "https://project.example";

    /// <summary>The production defaults (ChatApp relaxes them for the other suites).</summary>
    public static Dictionary<string, string?> DefaultLimits() => new()
    {
        ["Abuse:MaxOpenChatsPerAddress"] = "3",
        ["Abuse:ChatsPerAddressPerHour"] = "10",
        ["Abuse:ConnectionsPerAddress"] = "20",
        ["Abuse:MaxQueue"] = "50",
        ["Chat:VisitorMessagesPerMinute"] = "30",
        ["Network:TrustedProxies:0"] = "127.0.0.1",
        ["Security:AllowedOrigins:0"] = ProjectSite,
        ["Widget:AllowedEmbedOrigins:0"] = ProjectSite,
    };

    public ChatApp App { get; }
    public string BaseUrl { get; private set; } = "";

    public AttackFixture() : this(DefaultLimits()) { }

    protected AttackFixture(Dictionary<string, string?> settings) => App = new ChatApp(settings);

    public virtual Task InitializeAsync()
    {
        App.UseKestrel(0);
        App.StartServer();
        var addresses = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1").TrimEnd('/');
        App.ClientOptions.BaseAddress = new Uri(BaseUrl + "/");
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>A raw WebSocket to a hub as a client at <paramref name="address"/> (throws WebSocketException on a refusal).</summary>
    public static async Task<ClientWebSocket> SocketAsync(string baseUrl, string path, string? address, string? origin = null, string? cookie = null,
        CancellationToken ct = default)
    {
        var ws = new ClientWebSocket();
        Headers(ws.Options, address, origin, cookie);
        ws.Options.CollectHttpResponseDetails = true;
        await ws.ConnectAsync(new Uri(baseUrl.Replace("http://", "ws://") + path), ct);
        return ws;
    }

    public HubConnection Hub(string path, string? address, string? origin = null, string? cookie = null) => Hub(BaseUrl, path, address, origin, cookie);

    public static HubConnection Hub(string baseUrl, string path, string? address, string? origin = null, string? cookie = null) =>
        HubClient.Hub(baseUrl, path, o => Headers(o, address, origin, cookie));

    private static void Headers(ClientWebSocketOptions o, string? address, string? origin, string? cookie)
    {
        if (address is not null) o.SetRequestHeader("X-Forwarded-For", address);
        if (origin is not null) o.SetRequestHeader("Origin", origin);
        if (cookie is not null) o.SetRequestHeader("Cookie", cookie);
    }

    public async Task<Visitor> VisitorAsync(string address)
    {
        var v = new Visitor(Hub("/hubs/visitor", address));
        await v.Hub.StartAsync();
        return v;
    }

    public static async Task<Expert> ExpertAsync(string baseUrl, string cookie, string availability = "available")
    {
        var e = new Expert(Hub(baseUrl, "/hubs/expert", null, cookie: cookie));
        await e.Hub.StartAsync();
        await e.Hub.InvokeAsync<AvailabilityResult>("SetAvailability", availability);
        return e;
    }

    public async Task<Expert> ExpertAsync(int n = 1, string availability = "available") =>
        await ExpertAsync(BaseUrl, await App.CookieAsync($"expert{n}", $"Demo-Expert-{n}"), availability);

    public async Task<HttpClient> CoordinatorAsync()
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = new Uri(BaseUrl) };
        (await client.PostAsJsonAsync("/api/auth/login", new { userName = "coordinator", password = "Demo-Coordinator-1" })).EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>Every log line so far (formatted, with exceptions and structured values).</summary>
    public string AllLogs => string.Join("\n", App.Logs.Lines);
}

/// <summary>
/// The attacks that must hold across nodes (Redis mode): two nodes on real sockets share one redis-server and one records
/// database, as behind the round-robin load balancer of docker-compose.yml. Node A starts first: it creates the schema
/// and the demo accounts. <see cref="Settings"/> gives both nodes the production limits (or what a test class says).
/// </summary>
public abstract class TwoNodeAttack(RedisServer redis) : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));
    private readonly string _prefix = $"atk{Guid.NewGuid():n}:";
    protected AttackFixture _a = null!;
    protected AttackFixture _b = null!;

    private sealed class Node(Dictionary<string, string?> settings) : AttackFixture(settings);

    /// <summary>Each node's settings before the shared Redis and records are added.</summary>
    protected virtual Dictionary<string, string?> Settings() => AttackFixture.DefaultLimits();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        Dictionary<string, string?> Shared()
        {
            var s = Settings();
            s["ConnectionStrings:Redis"] = redis.ConnectionString;
            s["Redis:KeyPrefix"] = _prefix;
            s["ConnectionStrings:Records"] = $"Data Source={Path.Combine(_dir, "chat.db")}";
            return s;
        }
        _a = new Node(Shared());
        await _a.InitializeAsync();
        _b = new Node(Shared());
        await _b.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { /* best effort */ }
    }
}
