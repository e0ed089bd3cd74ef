using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Chat.Server.Conversations;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// The whole server in process on TestServer, with a real SQLite file of its own (deleted afterwards), demo
/// accounts (Development), and helpers to sign in and to open hub connections through the official HubConnection.
/// </summary>
public class ChatApp : WebApplicationFactory<Program>
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));
    private readonly Dictionary<string, string?> _settings = new();
    public TimeProvider? Clock { get; init; }
    public CapturedLogs Logs { get; } = new();

    public ChatApp(Dictionary<string, string?>? settings = null)
    {
        Directory.CreateDirectory(_dir);
        _settings["ConnectionStrings:Records"] = $"Data Source={Path.Combine(_dir, "chat.db")}";
        _settings["DataProtection:KeysPath"] = Path.Combine(_dir, "keys");
        _settings["Chat:SweepInterval"] = "00:10:00"; // tests call SweepAsync themselves
        _settings["Logging:Serilog:LogLevel:Default"] = "Warning"; // the console; CapturedLogs still sees everything
        _settings["Logging:LogLevel:Serilog.AspNetCore"] = "Warning"; // request lines (written by Serilog itself)
        foreach (var (k, v) in ServerProcess.RelaxedLimits) _settings[k.Replace("__", ":")] = v;
        foreach (var (k, v) in settings ?? []) _settings[k] = v;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (k, v) in _settings) builder.UseSetting(k, v);
        builder.ConfigureLogging(l => l.AddProvider(Logs));
        builder.ConfigureServices(s =>
        {
            if (Clock is not null) s.Replace(ServiceDescriptor.Singleton(Clock));
        });
    }

    public LiveSweeper Sweeper => Services.GetRequiredService<LiveSweeper>();
    public QueueView Queue => Services.GetRequiredService<QueueView>();

    public async Task<HttpClient> SignedInClientAsync(string userName, string password)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = ClientOptions.BaseAddress, HandleCookies = true, AllowAutoRedirect = false });
        var r = await client.PostAsJsonAsync("/api/auth/login", new { userName, password });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return client;
    }

    /// <summary>The first password an administrator gives an account of a project they do not coordinate.</summary>
    public const string AdministratorsFirstPassword = "eerste-sleutel-van-de-beheerder-29";

    /// <summary>
    /// An account an administrator made (with <see cref="AdministratorsFirstPassword"/>) signs in for the first time and
    /// chooses <paramref name="ownPassword"/>, as it must before anything else.
    /// </summary>
    public async Task ChooseOwnPasswordAsync(string userName, string ownPassword)
    {
        using var client = await SignedInClientAsync(userName, AdministratorsFirstPassword);
        var r = await client.PostAsJsonAsync("/api/auth/password", new { currentPassword = AdministratorsFirstPassword, newPassword = ownPassword });
        Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
    }

    public Task<HttpClient> ExpertClientAsync(int n = 1) => SignedInClientAsync($"expert{n}", $"Demo-Expert-{n}");
    public Task<HttpClient> CoordinatorClientAsync() => SignedInClientAsync("coordinator", "Demo-Coordinator-1");

    /// <summary>The auth cookie of a signed-in user, for a hub connection.</summary>
    public async Task<string> CookieAsync(string userName, string password)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = ClientOptions.BaseAddress, HandleCookies = false, AllowAutoRedirect = false });
        var r = await client.PostAsJsonAsync("/api/auth/login", new { userName, password });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return string.Join("; ", r.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
    }

    public HubConnection Hub(string path, string? cookie = null)
    {
        var server = Server;
        return HubClient.Build(new Uri(server.BaseAddress, path.TrimStart('/')), async (uri, ct) =>
        {
            var ws = server.CreateWebSocketClient();
            if (cookie is not null) ws.ConfigureRequest = req => req.Headers["Cookie"] = cookie;
            return await ws.ConnectAsync(uri, ct);
        });
    }

    public async Task<Visitor> VisitorAsync()
    {
        var hub = Hub("/hubs/visitor");
        var v = new Visitor(hub);
        await hub.StartAsync();
        return v;
    }

    public async Task<Expert> ExpertAsync(int n = 1, string availability = "available")
    {
        var cookie = await CookieAsync($"expert{n}", $"Demo-Expert-{n}");
        var hub = Hub("/hubs/expert", cookie);
        var e = new Expert(hub);
        await hub.StartAsync();
        if (availability != "offline") await hub.InvokeAsync<AvailabilityResult>("SetAvailability", availability);
        return e;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { /* SQLite may hold it a moment */ }
    }
}

public sealed class Visitor(HubConnection hub) : IAsyncDisposable
{
    public HubConnection Hub { get; } = hub;
    public Inbox Inbox { get; } = new(hub, "QueueUpdated", "ChatStarted", "MessageReceived", "TypingChanged", "ChatEnded", "BackInQueue", "Resync",
        "ExpertConnectionChanged", "OverflowOffered");

    public Task<StartChatResult> StartAsync(object? request = null) =>
        Hub.InvokeAsync<StartChatResult>("StartChat", request ?? new { });

    public Task<SendResult> SendAsync(string id, string text) => Hub.InvokeAsync<SendResult>("SendMessage", id, text);
    public ValueTask DisposeAsync() => Hub.DisposeAsync();
}

public sealed class Expert(HubConnection hub) : IAsyncDisposable
{
    public HubConnection Hub { get; } = hub;
    public Inbox Inbox { get; } = new(hub, "ChatAssigned", "MessageReceived", "TypingChanged", "ChatEnded", "QueueChanged", "VisitorConnectionChanged", "Resync");

    public Task<SendResult> SendAsync(string conversationId, string id, string text) =>
        Hub.InvokeAsync<SendResult>("SendMessage", conversationId, id, text);

    public ValueTask DisposeAsync() => Hub.DisposeAsync();
}

public static class ServerProcessExtensions
{
    /// <summary>A demo expert's console connection (signed in, started, availability set), as ChatApp.ExpertAsync.</summary>
    public static async Task<Expert> ExpertAsync(this ServerProcess server, int n = 1, string availability = "available")
    {
        var hub = server.Hub("/hubs/expert", await server.CookieAsync($"expert{n}", $"Demo-Expert-{n}"));
        var expert = new Expert(hub);
        await hub.StartAsync();
        if (availability != "offline") await hub.InvokeAsync<AvailabilityResult>("SetAvailability", availability);
        return expert;
    }
}

internal static class UriExtensions
{
    public static Uri ToWs(this Uri uri) => new UriBuilder(uri) { Scheme = uri.Scheme == "https" ? "wss" : "ws" }.Uri;
}
