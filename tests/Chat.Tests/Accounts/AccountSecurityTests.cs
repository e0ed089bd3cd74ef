using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Server.Conversations;
using Chat.Tests.Attacks;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Accounts;

/// <summary>
/// Issue 9's findings, each tried as an attacker or a careless operator would: a changed account is out at once,
/// sign-in tells nothing and cannot be used to lock someone out, passwords are the owner's own.
/// </summary>
public sealed class AccountSecurityTests : IAsyncLifetime
{
    private readonly ChatApp _app = new();
    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static async Task<string> IdOfAsync(HttpClient coordinator, string userName) =>
        (await coordinator.GetFromJsonAsync<JsonElement>("/api/accounts")).EnumerateArray()
        .Single(a => a.GetProperty("userName").GetString() == userName).GetProperty("id").GetString()!;

    [Fact]
    public async Task ADemotedCoordinatorLosesCoordinatorPowersInTheOpenSessionAtOnce()
    {
        var boss = await _app.CoordinatorClientAsync();
        (await boss.PostAsJsonAsync("/api/accounts", new
        {
            userName = "tweede", displayName = "Tweede", experience = "victim", maxChats = 1, password = "Lang-Genoeg-Wachtwoord-42", coordinator = true,
        })).EnsureSuccessStatusCode();
        var second = await _app.SignedInClientAsync("tweede", "Lang-Genoeg-Wachtwoord-42");
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/accounts")).StatusCode);

        (await boss.PutAsJsonAsync($"/api/accounts/{await IdOfAsync(boss, "tweede")}", new { coordinator = false })).EnsureSuccessStatusCode();
        var after = await second.GetAsync("/api/accounts");
        var promoteSelf = await second.PutAsJsonAsync($"/api/accounts/{await IdOfAsync(boss, "tweede")}", new { coordinator = true });
        AttackTable.Row("coordinator demoted while signed in, then reads accounts and promotes themself", "401 at once: the session ended",
            $"accounts {(int)after.StatusCode}, promote {(int)promoteSelf.StatusCode}");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, promoteSelf.StatusCode);
        // Signing in again gives the new roles only.
        var again = await _app.SignedInClientAsync("tweede", "Lang-Genoeg-Wachtwoord-42");
        Assert.Equal(HttpStatusCode.Forbidden, (await again.GetAsync("/api/accounts")).StatusCode);
    }

    [Fact]
    public async Task ADisabledExpertIsOutEverywhereAtOnceAndTheirChatGoesBackToTheQueue()
    {
        var boss = await _app.CoordinatorClientAsync();
        var api = await _app.ExpertClientAsync(1);
        await using var expert = await _app.ExpertAsync(1);
        await using var visitor = await _app.VisitorAsync();
        await visitor.StartAsync();
        var conversationId = (await expert.Inbox.Next("ChatAssigned")).GetProperty("conversationId").GetString()!;
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        expert.Hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };

        (await boss.PutAsJsonAsync($"/api/accounts/{await IdOfAsync(boss, "expert1")}", new { disabled = true })).EnsureSuccessStatusCode();
        await closed.Task.WaitAsync(Inbox.Timeout);
        var back = await visitor.Inbox.Next("BackInQueue");
        var me = await api.GetAsync("/api/auth/me");
        var contacts = await api.GetAsync("/api/contacts");
        var cookie = await Assert.ThrowsAnyAsync<Exception>(() => _app.CookieAsync("expert1", "Demo-Expert-1"));
        var status = (await boss.GetFromJsonAsync<JsonElement>("/api/statistics/live")).GetProperty("experts").EnumerateArray()
            .Where(e => e.GetProperty("displayName").GetString() == "Sanne").ToList();
        AttackTable.Row("expert disabled mid-chat: API, hub, shift, sign-in", "API 401, hub connection closed, chat back at the front of the queue, off shift, sign-in refused",
            $"me {(int)me.StatusCode}, contacts {(int)contacts.StatusCode}; hub {expert.Hub.State}; visitor: BackInQueue ({back.GetProperty("reason")}); on shift: {status.Count}; sign-in refused: {cookie is not null}");
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, contacts.StatusCode);
        Assert.Equal(HubConnectionState.Disconnected, expert.Hub.State);
        Assert.Empty(status);
        Assert.Equal("expert-lost", back.GetProperty("reason").GetString());
        Assert.Equal(1, (await boss.GetFromJsonAsync<JsonElement>("/api/statistics/live")).GetProperty("queue").GetProperty("waiting").GetInt32());
        _ = conversationId;
    }

    [Fact]
    public async Task SignInAnswersAlikeForUnknownNamesWrongPasswordsAndDisabledAccounts()
    {
        var boss = await _app.CoordinatorClientAsync();
        (await boss.PutAsJsonAsync($"/api/accounts/{await IdOfAsync(boss, "expert2")}", new { disabled = true })).EnsureSuccessStatusCode();
        async Task<(string Body, double Ms)> TryAsync(string user, string password)
        {
            var sw = Stopwatch.StartNew();
            var r = await _app.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = user, password });
            var ms = sw.Elapsed.TotalMilliseconds;
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            var p = await r.Content.ReadFromJsonAsync<JsonElement>();
            return (p.GetProperty("title").GetString() + "|" + p.GetProperty("detail").GetString(), ms);
        }
        var unknown = new List<(string Body, double Ms)>();
        var wrong = new List<(string Body, double Ms)>();
        var disabled = new List<(string Body, double Ms)>();
        for (var i = 0; i < 3; i++) // 9 attempts: under the sign-in limit of 10 a minute
        {
            unknown.Add(await TryAsync("bestaat-niet-" + i, "Demo-Expert-1"));
            wrong.Add(await TryAsync("expert1", "Fout-Wachtwoord-" + i));
            disabled.Add(await TryAsync("expert2", "Demo-Expert-2"));
        }
        static double Median(List<(string Body, double Ms)> xs) => xs.Select(x => x.Ms).Order().ElementAt(xs.Count / 2);
        var ratio = Median(unknown) / Median(wrong);
        AttackTable.Row("user-name discovery through sign-in answers and timing", "the same 401 body for unknown, wrong and disabled; similar time",
            $"bodies alike: {unknown.Concat(wrong).Concat(disabled).Select(x => x.Body).Distinct().Count() == 1}; median ms unknown {Median(unknown):F0}, wrong {Median(wrong):F0}, disabled {Median(disabled):F0}");
        Assert.Single(unknown.Concat(wrong).Concat(disabled).Select(x => x.Body).Distinct());
        Assert.InRange(ratio, 0.2, 5); // before: 3 ms against 80 ms (a ratio of 0.04)
    }

    [Fact]
    public async Task TheConsoleLoginFormSharesTheSignInLimit()
    {
        var client = _app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/console/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var codes = new List<int>();
        for (var i = 0; i < 6; i++)
            codes.Add((int)(await client.PostAsJsonAsync("/api/auth/login", new { userName = "expert1", password = "fout" + i })).StatusCode);
        for (var i = 0; i < 6; i++)
            codes.Add((int)(await client.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["UserName"] = "expert1", ["Password"] = "fout-" + i, ["__RequestVerificationToken"] = token,
            }))).StatusCode);
        AttackTable.Row("password guessing through the API and the console's login form together", "10 tried, then 429 on both", string.Join(",", codes));
        Assert.Equal(10, codes.Count(c => c == 401));
        Assert.Equal([429, 429], codes.Skip(10));
    }

    [Fact]
    public async Task EveryoneChangesTheirOwnPasswordWithTheCurrentOneAndOtherSessionsEnd()
    {
        var here = await _app.ExpertClientAsync(1);
        var elsewhere = await _app.ExpertClientAsync(1);
        async Task<JsonElement> BadAsync(object body)
        {
            var r = await here.PostAsJsonAsync("/api/auth/password", body);
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        }
        Assert.True((await BadAsync(new { currentPassword = "fout", newPassword = "Nieuw-Wachtwoord-77" })).TryGetProperty("currentPassword", out _));
        foreach (var weak in new[] { "Password1234", "Wachtwoord2026!", "kort", "expert1Expert1" })
            Assert.True((await BadAsync(new { currentPassword = "Demo-Expert-1", newPassword = weak })).TryGetProperty("newPassword", out _), weak);
        var ok = await here.PostAsJsonAsync("/api/auth/password", new { currentPassword = "Demo-Expert-1", newPassword = "Drie-Losse-Woorden-7" });
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/api/auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("/api/auth/me")).StatusCode);
        await _app.SignedInClientAsync("expert1", "Drie-Losse-Woorden-7");

        // A coordinator cannot reset their own password without the current one.
        var boss = await _app.CoordinatorClientAsync();
        var self = (await boss.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();
        var reset = await boss.PostAsJsonAsync($"/api/accounts/{self}/password", new { password = "Zonder-Huidig-Wachtwoord-1" });
        AttackTable.Row("own password: wrong current, common ('Password1234'), coordinator's self-reset", "400 naming the field; a good change ends the other sessions",
            $"self-reset {(int)reset.StatusCode}; change {(int)ok.StatusCode}; other session after change {(int)(await elsewhere.GetAsync("/api/auth/me")).StatusCode}");
        Assert.Equal(HttpStatusCode.BadRequest, reset.StatusCode);
    }

    [Fact]
    public async Task SettingAnExpertsPasswordEndsTheirSessions()
    {
        var boss = await _app.CoordinatorClientAsync();
        var expert = await _app.ExpertClientAsync(2);
        (await boss.PostAsJsonAsync($"/api/accounts/{await IdOfAsync(boss, "expert2")}/password", new { password = "Nieuw-Van-De-Coordinator-9" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Unauthorized, (await expert.GetAsync("/api/auth/me")).StatusCode);
    }

    [Fact]
    public async Task OutsideDevelopmentTheStartRefusesDemoPasswords()
    {
        var dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        var db = $"Data Source={Path.Combine(dir, "chat.db")};Pooling=false";
        try
        {
            using (var dev = new ChatApp(new() { ["ConnectionStrings:Records"] = db })) _ = dev.Server; // made by `dotnet run`
            using var prod = new ProductionApp(db);
            var ex = Assert.ThrowsAny<Exception>(() => prod.Server);
            AttackTable.Row("Production started on a database made in Development (demo accounts)", "refuses to start, naming the accounts",
                ex.ToString().Contains("demo password") ? "refused: " + string.Join(" ", new[] { "coordinator", "expert1", "expert2" }.Where(ex.ToString().Contains)) : "started");
            Assert.Contains("coordinator, expert1, expert2, admin", ex.ToString());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { /* best effort */ }
        }
    }

    [Fact]
    public async Task OverHttpsTheCookieIsSecureAndHstsIsSent()
    {
        using var prod = new ProductionApp(null);
        var client = prod.CreateClient(new() { BaseAddress = new Uri("https://chat.example.org/"), HandleCookies = false });
        var login = await client.PostAsJsonAsync("/api/auth/login", new { userName = "leiding", password = "Sterk-Wachtwoord-2026" });
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("chat.console"));
        var hsts = login.Headers.TryGetValues("Strict-Transport-Security", out var h) ? h.Single() : "none";
        AttackTable.Row("auth cookie and HSTS over HTTPS (Production)", "cookie Secure, HttpOnly, SameSite=Strict; HSTS", $"{cookie[(cookie.IndexOf(';') + 1)..].Trim()}; HSTS {hsts}");
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("max-age=", hsts);
    }

    [Fact]
    public async Task BehindTheTrustedProxyTheCookieIsSecureWhenTheProxySaysHttps()
    {
        var f = new AttackFixture();
        await f.InitializeAsync();
        try
        {
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(f.BaseUrl) };
            async Task<string> CookieAsync(string? proto)
            {
                using var req = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
                    { Content = JsonContent.Create(new { userName = "expert1", password = "Demo-Expert-1" }) };
                req.Headers.Add("X-Forwarded-For", "198.51.100.1");
                if (proto is not null) req.Headers.Add("X-Forwarded-Proto", proto);
                var r = await http.SendAsync(req);
                return r.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("chat.console"));
            }
            var https = await CookieAsync("https");
            var plain = await CookieAsync(null);
            AttackTable.Row("sign-in behind the TLS proxy (X-Forwarded-Proto: https)", "cookie Secure; without the header (plain HTTP) not",
                $"https: {(https.Contains("secure", StringComparison.OrdinalIgnoreCase) ? "Secure" : "not secure")}; http: {(plain.Contains("secure", StringComparison.OrdinalIgnoreCase) ? "Secure" : "not secure")}");
            Assert.Contains("secure", https, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("secure", plain, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await f.DisposeAsync();
        }
    }

    [Fact]
    public async Task WithACertificateTheDataProtectionKeysAreEncryptedAtRest()
    {
        var dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        try
        {
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=chat-keys", rsa,
                System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            var pfx = Path.Combine(dir, "keys.pfx");
            await File.WriteAllBytesAsync(pfx, cert.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "geheim-genoeg"));
            var keys = Path.Combine(dir, "keys");
            await using (var app = new ChatApp(new()
            {
                ["DataProtection:KeysPath"] = keys, ["DataProtection:CertificatePath"] = pfx, ["DataProtection:CertificatePassword"] = "geheim-genoeg",
            }))
            {
                await app.SignedInClientAsync("expert1", "Demo-Expert-1");
            }
            var xml = string.Concat(Directory.GetFiles(keys, "*.xml").Select(File.ReadAllText));
            Assert.Contains("encryptedSecret", xml);
            Assert.DoesNotContain("<value>", xml); // the key material in the clear
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { /* best effort */ }
        }
    }

    private sealed class ProductionApp(string? records) : ChatApp(Settings(records))
    {
        private static Dictionary<string, string?> Settings(string? records)
        {
            var s = new Dictionary<string, string?>
            {
                ["Accounts:InitialCoordinator:UserName"] = "leiding", ["Accounts:InitialCoordinator:Password"] = "Sterk-Wachtwoord-2026",
                ["Widget:AllowedEmbedOrigins:0"] = "https://project.example",
            };
            if (records is not null) s["ConnectionStrings:Records"] = records;
            return s;
        }

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }
}
