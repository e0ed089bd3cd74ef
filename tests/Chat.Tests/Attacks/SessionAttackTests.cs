using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Scaleout;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Tests.Attacks;

/// <summary>
/// A cookie copied from an expert's browser (a shared computer, a stolen backup) must be worth nothing once they sign
/// out: sessions live on the server, so the copy answers 401 and the hub connections opened with it are closed, in the
/// embedded mode and, in Redis mode, on every node. Real Kestrel sockets, real WebSockets, a real redis-server.
/// </summary>
public sealed class SessionAttackTests(AttackFixture f) : IClassFixture<AttackFixture>
{
    [Fact]
    public async Task ACopiedCookieIsRefusedAfterSignOutAndItsHubConnectionIsClosed()
    {
        var cookie = await f.App.CookieAsync("expert2", "Demo-Expert-2");
        var (me, hub) = await SignOutAndReplayAsync(f.BaseUrl, f.BaseUrl, cookie);
        AttackTable.Row("copied cookie after sign-out (embedded mode)", "401; its hub connection closed",
            $"{(int)me}; hub {hub}");
        Assert.Equal(HttpStatusCode.Unauthorized, me);
        Assert.Equal(HubConnectionState.Disconnected, hub);
    }

    /// <summary>
    /// Opens a hub connection with the cookie on <paramref name="replayOn"/>, signs out with it on
    /// <paramref name="signOutOn"/>, then replays the copy: what /api/auth/me answered and the connection's state once closed.
    /// </summary>
    internal static async Task<(HttpStatusCode Me, HubConnectionState Hub)> SignOutAndReplayAsync(string signOutOn, string replayOn, string cookie)
    {
        using var copy = Client(replayOn, cookie);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/api/auth/me")).StatusCode);
        await using var hub = AttackFixture.Hub(replayOn, "/hubs/expert", null, cookie: cookie);
        await hub.StartAsync();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        using var owner = Client(signOutOn, cookie);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsync("/api/auth/logout", JsonContent.Create(new { }))).StatusCode);

        await closed.Task.WaitAsync(Inbox.Timeout);
        var me = (await copy.GetAsync("/api/auth/me")).StatusCode;
        return (me, hub.State);
    }

    internal static HttpClient Client(string baseUrl, string cookie)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(baseUrl) };
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }
}

/// <summary>Redis mode: signed in on node A, the copy used on node B; signed out on A.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisSessionAttackTests(RedisServer redis) : TwoNodeAttack(redis)
{
    [Fact]
    public async Task ACopiedCookieIsRefusedOnEveryNodeAfterSignOutAndItsHubConnectionIsClosed()
    {
        var cookie = await _a.App.CookieAsync("expert1", "Demo-Expert-1");
        using var other = SessionAttackTests.Client(_a.BaseUrl, await _a.App.CookieAsync("expert1", "Demo-Expert-1"));
        // Node B knows the session made on A, in the account's list too.
        using var onB = SessionAttackTests.Client(_b.BaseUrl, cookie);
        Assert.Equal(2, (await onB.GetFromJsonAsync<JsonElement>("/api/auth/sessions")).GetArrayLength());

        // At rest in Redis the session is protected: no user name, shown name, security stamp or ticket in the clear.
        var connection = _a.App.Services.GetRequiredService<RedisConnection>();
        var server = connection.Multiplexer.GetServer(connection.Multiplexer.GetEndPoints()[0]);
        var keys = new RedisKeys(_a.App.Services.GetRequiredService<IOptions<RedisOptions>>().Value.KeyPrefix);
        var stored = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: keys.SignIn.Prefix + "*")) stored.Add(System.Text.Encoding.Latin1.GetString((byte[])(await connection.Db.StringGetAsync(key))!));
        Assert.Equal(2, stored.Count);
        Assert.All(stored, v => Assert.DoesNotContain("expert1", v));
        Assert.All(stored, v => Assert.DoesNotContain("Sanne", v));
        Assert.All(stored, v => Assert.DoesNotContain("SecurityStamp", v));

        var (me, hub) = await SessionAttackTests.SignOutAndReplayAsync(_a.BaseUrl, _b.BaseUrl, cookie);
        using var onA = SessionAttackTests.Client(_a.BaseUrl, cookie);
        var meOnA = (await onA.GetAsync("/api/auth/me")).StatusCode;
        AttackTable.Row("copied cookie after sign-out (Redis mode, signed out on node A, copy used on node B)", "401 on both nodes; its hub connection on B closed",
            $"B {(int)me}, A {(int)meOnA}; hub on B {hub}");
        Assert.Equal(HttpStatusCode.Unauthorized, me);
        Assert.Equal(HttpStatusCode.Unauthorized, meOnA);
        Assert.Equal(HubConnectionState.Disconnected, hub);
        // The other session of the account goes on, on either node, and is the only one listed.
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/auth/me")).StatusCode);
        using var otherOnB = SessionAttackTests.Client(_b.BaseUrl, other.DefaultRequestHeaders.GetValues("Cookie").Single());
        Assert.Equal(1, (await otherOnB.GetFromJsonAsync<JsonElement>("/api/auth/sessions")).GetArrayLength());
    }

    [Fact]
    public async Task EndingASessionOnOneNodeClosesItsHubConnectionOnTheOther()
    {
        var cookie = await _b.App.CookieAsync("expert2", "Demo-Expert-2");
        using var here = SessionAttackTests.Client(_a.BaseUrl, await _a.App.CookieAsync("expert2", "Demo-Expert-2"));
        await using var hub = AttackFixture.Hub(_b.BaseUrl, "/hubs/expert", null, cookie: cookie);
        await hub.StartAsync();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        var sessions = (await here.GetFromJsonAsync<JsonElement>("/api/auth/sessions")).EnumerateArray().ToList();
        var theirs = sessions.Single(s => !s.GetProperty("current").GetBoolean()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await here.DeleteJsonAsync($"/api/auth/sessions/{theirs}")).StatusCode);
        await closed.Task.WaitAsync(Inbox.Timeout);
        using var copy = SessionAttackTests.Client(_b.BaseUrl, cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/api/auth/me")).StatusCode);
    }
}
