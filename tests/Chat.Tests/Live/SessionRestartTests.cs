using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Live;

/// <summary>
/// Embedded mode, real processes: the sign-in sessions live in the server's memory, so a planned restart (kill -TERM)
/// keeps them in the live-state file: the console stays signed in, with the same session; one signed out before the
/// restart stays out.
/// </summary>
public sealed class SessionRestartTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { /* best effort */ }
    }

    private static HttpClient Client(ServerProcess server, string cookie)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(server.BaseUrl) };
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    [Fact]
    public async Task SessionsSurviveAPlannedRestartAndSignedOutOnesStayOut()
    {
        Directory.CreateDirectory(_dir);
        var env = ServerProcess.OwnData(_dir);
        string kept, signedOut, id;
        await using (var first = await ServerProcess.StartAsync(env))
        {
            kept = await first.CookieAsync("expert1", "Demo-Expert-1");
            signedOut = await first.CookieAsync("expert1", "Demo-Expert-1");
            using var keptClient = Client(first, kept);
            id = (await keptClient.GetFromJsonAsync<JsonElement>("/api/auth/sessions")).EnumerateArray()
                .Single(s => s.GetProperty("current").GetBoolean()).GetProperty("id").GetString()!;
            using var leaving = Client(first, signedOut);
            Assert.Equal(HttpStatusCode.NoContent, (await leaving.PostAsync("/api/auth/logout", JsonContent.Create(new { }))).StatusCode);
            await first.StopAsync(TimeSpan.FromSeconds(40));
        }
        var file = await File.ReadAllBytesAsync(Path.Combine(_dir, "live-state.bin"));
        Assert.DoesNotContain("Onbekende browser", System.Text.Encoding.UTF8.GetString(file)); // encrypted as a whole
        Assert.DoesNotContain(id, System.Text.Encoding.UTF8.GetString(file));

        await using var second = await ServerProcess.StartAsync(env);
        using var again = Client(second, kept);
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/auth/me")).StatusCode);
        var session = Assert.Single((await again.GetFromJsonAsync<JsonElement>("/api/auth/sessions")).EnumerateArray());
        Assert.Equal(id, session.GetProperty("id").GetString());
        using var copy = Client(second, signedOut);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/auth/me")).StatusCode);
        // The console's hub connects again with the kept session.
        await using var expert = await second.ExpertAsync(1, "offline");
        await expert.Hub.InvokeAsync<JsonElement>("GetState");
    }
}
