using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Chat.Tests.Infrastructure;
using StackExchange.Redis;

namespace Chat.Tests.Operations;

/// <summary>Redis mode: readiness follows Redis; the data-protection keys live in Redis, encrypted with the certificate.</summary>
public sealed class RedisOperationsTests
{
    [Fact]
    public async Task ReadinessFollowsRedisAndLivenessDoesNot()
    {
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        try
        {
            await using var app = new ChatApp(new() { ["ConnectionStrings:Redis"] = redis.ConnectionString });
            var client = app.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

            await redis.KillAsync();
            var down = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal("Unhealthy", await down.Content.ReadAsStringAsync()); // nothing about why
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);

            await redis.StartAsync();
            await Eventually(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK);
        }
        finally
        {
            await redis.DisposeAsync();
        }
    }

    [Fact]
    public async Task DataProtectionKeysInRedisAreEncryptedWithTheCertificate()
    {
        var dir = Path.Combine(Path.GetTempPath(), "chat-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        await using var redis = new RedisServer();
        await redis.InitializeAsync();
        try
        {
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=chat-keys", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            var pfx = Path.Combine(dir, "keys.pfx");
            await File.WriteAllBytesAsync(pfx, cert.Export(X509ContentType.Pfx, "geheim-genoeg"));
            var settings = new Dictionary<string, string?>
            {
                ["ConnectionStrings:Redis"] = redis.ConnectionString, ["Redis:KeyPrefix"] = "dp:",
                ["ConnectionStrings:Records"] = $"Data Source={Path.Combine(dir, "chat.db")}", // both nodes: one records database
                ["DataProtection:CertificatePath"] = pfx, ["DataProtection:CertificatePassword"] = "geheim-genoeg",
            };
            string cookie;
            await using (var a = new ChatApp(settings)) cookie = await a.CookieAsync("expert1", "Demo-Expert-1");

            using var mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
            var keys = (await mux.GetDatabase().ListRangeAsync("dp:dataprotection")).Select(v => (string)v!).ToList();
            Assert.NotEmpty(keys);
            Assert.All(keys, k => Assert.Contains("encryptedSecret", k));
            Assert.All(keys, k => Assert.DoesNotContain("<value>", k)); // the key material in the clear

            // Another node (a new app on the same Redis) reads the cookie the first one issued.
            await using var b = new ChatApp(settings);
            var http = b.CreateClient();
            http.DefaultRequestHeaders.Add("Cookie", cookie);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/auth/me")).StatusCode);
        }
        finally
        {
            await redis.DisposeAsync();
            try { Directory.Delete(dir, true); } catch (IOException) { /* best effort */ }
        }
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < until, "Condition not met within 30 s.");
            await Task.Delay(200);
        }
    }
}
