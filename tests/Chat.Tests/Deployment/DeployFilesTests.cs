using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Deployment;

/// <summary>The other files of deploy/: the TLS example runs in Debian's nginx, the systemd unit has the compose file's settings.</summary>
[Collection(RedisCollection.Name)] // one server process at a time with the other process tests: a 2-core machine
public sealed class DeployFilesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-deploy", Guid.NewGuid().ToString("n"));

    [Fact]
    public async Task TheTlsExampleServesHttpsSaysSoToTheNodeAndSendsPlainHttpToHttps()
    {
        Directory.CreateDirectory(_dir);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await File.WriteAllTextAsync(Path.Combine(_dir, "fullchain.pem"), cert.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(_dir, "privkey.pem"), rsa.ExportPkcs8PrivateKeyPem());

        var env = ServerProcess.OwnData(_dir);
        env["Network__TrustedProxies__0"] = "127.0.0.1";
        await using var node = await ServerProcess.StartAsync(env);
        var (https, http) = (ServerProcess.FreePort(), ServerProcess.FreePort());
        var config = NginxServer.Adapt("nginx-tls.conf",
            ("listen 443 ssl;", $"listen 127.0.0.1:{https} ssl;"), ("listen 80;", $"listen 127.0.0.1:{http};"),
            ("/etc/nginx/tls/", _dir + "/"), ("chat1:8080", $"127.0.0.1:{node.Port}"), ("chat2:8080", $"127.0.0.1:{node.Port}"));
        await using var nginx = await NginxServer.StartAsync(config, https);

        using var client = new HttpClient(new HttpClientHandler
        {
            AllowAutoRedirect = false, UseCookies = false,
            ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.Thumbprint == cert.Thumbprint,
        });
        var plain = await client.GetAsync($"http://127.0.0.1:{http}/console");
        Assert.Equal(HttpStatusCode.MovedPermanently, plain.StatusCode);
        Assert.Equal("https://127.0.0.1/console", plain.Headers.Location?.ToString());

        // Through TLS the node learns the scheme from nginx: the sign-in cookie is Secure.
        var login = await client.PostAsJsonAsync($"https://127.0.0.1:{https}/api/auth/login", new { userName = "expert1", password = "Demo-Expert-1" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains(login.Headers.GetValues("Set-Cookie"), c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"https://127.0.0.1:{https}/Metrics/")).StatusCode);
        await nginx.StopAsync();
        Assert.DoesNotContain(nginx.ErrorLog, l => l.Contains("client:"));
    }

    [Fact]
    public async Task TheLoadBalancerConfigurationAsCommittedPassesNginxsOwnCheck()
    {
        // Unchanged: the names chat1/chat2 with Docker's resolver, as the compose file runs it (the other tests put addresses in).
        var (ok, output) = await NginxServer.TestConfigAsync(NginxServer.Adapt("nginx.conf"));
        Assert.True(ok, output);
        var (okTls, outputTls) = await NginxServer.TestConfigAsync(NginxServer.Adapt("nginx-tls.conf", ("/etc/nginx/tls/", "/nonexistent/")));
        Assert.False(okTls); // the certificate is read at the check: the file's TLS part is really there
        Assert.Contains("/nonexistent/fullchain.pem", outputTls);
    }

    [Fact]
    public void TheSystemdUnitSetsEverySettingTheComposeFileGivesTheNodes()
    {
        var root = ServerProcess.RepoRoot();
        var compose = File.ReadAllText(Path.Combine(root, "docker-compose.yml"));
        var environment = compose[compose.IndexOf("environment: &env", StringComparison.Ordinal)..];
        environment = environment[..environment.IndexOf("networks:", StringComparison.Ordinal)];
        var composeKeys = Regex.Matches(environment, @"^\s+([A-Za-z_][A-Za-z0-9_]*):", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("Network__TrustedProxies__0", composeKeys);
        // The image's own settings (Dockerfile ENV) count as the compose file's too.
        var dockerfile = File.ReadAllText(Path.Combine(root, "Dockerfile"));
        composeKeys.AddRange(Regex.Matches(dockerfile, @"\b(ASPNETCORE_[A-Z]+)=").Select(m => m.Groups[1].Value));

        var unit = File.ReadAllText(Path.Combine(root, "deploy", "chat.service"));
        var envFile = File.ReadAllText(Path.Combine(root, "deploy", "chat.env.example"));
        Assert.Contains("EnvironmentFile=/etc/chat/chat.env", unit);
        var unitKeys = Regex.Matches(unit, @"^Environment=([A-Za-z0-9_]+)=", RegexOptions.Multiline).Select(m => m.Groups[1].Value)
            .Concat(Regex.Matches(envFile, @"^#?([A-Za-z][A-Za-z0-9_]*)=", RegexOptions.Multiline).Select(m => m.Groups[1].Value))
            .ToHashSet();
        var missing = composeKeys.Distinct().Where(k => !unitKeys.Contains(k)).ToList();
        Assert.True(missing.Count == 0, "deploy/chat.service and chat.env.example lack " + string.Join(", ", missing));
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { /* best effort */ }
    }
}
