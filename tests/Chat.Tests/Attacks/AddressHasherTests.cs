using System.Net;
using System.Security.Cryptography;
using Chat.Server.Abuse;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Attacks;

/// <summary>The keyed hash an address is kept as: unchanged in form across versions (blocks made before still hold).</summary>
public sealed class AddressHasherTests
{
    private sealed class Monitor(AbuseOptions value) : IOptionsMonitor<AbuseOptions>
    {
        public AbuseOptions CurrentValue => value;
        public AbuseOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<AbuseOptions, string?> listener) => null;
    }

    [Fact]
    public async Task TheHashesAreTheFirstSixteenBytesOfTheHmacInUrlSafeBase64UnderEveryKeyOfTheRing()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-12-04T10:00:00Z"));
        var keys = new InMemoryAddressKeys();
        var hasher = new AddressHasher(keys, clock, new Monitor(new AbuseOptions()));
        var address = await hasher.HashAsync(IPAddress.Parse("203.0.113.7"));

        var o = new AbuseOptions();
        var period = clock.GetUtcNow().ToUnixTimeMilliseconds() / (long)o.KeyRotation.TotalMilliseconds;
        var ring = await keys.KeysAsync(period, 2 + (int)Math.Ceiling(o.BlockDuration / o.KeyRotation), TimeSpan.Zero);
        // The form every version before 2026-12-04 wrote (and blocks were stored under).
        var expected = ring.Select(k => Convert.ToBase64String(HMACSHA256.HashData(k, new byte[] { 203, 0, 113, 7 }), 0, 16)
            .TrimEnd('=').Replace('+', '-').Replace('/', '_')).ToList();
        Assert.Equal(expected, address.AllHashes);
        Assert.Equal(expected[0], address.Hash);
        Assert.True(expected.Count >= 2);
        Assert.All(expected, h => Assert.Equal(22, h.Length));

        // Many addresses, so that '-' and '_' (the URL-safe letters) come up: still the same form.
        for (var i = 0; i < 64; i++)
        {
            var a = await hasher.HashAsync(new IPAddress([10, 0, (byte)i, 1]));
            Assert.Equal(Convert.ToBase64String(HMACSHA256.HashData(ring[0], new byte[] { 10, 0, (byte)i, 1 }), 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_'), a.Hash);
        }
    }

    [Fact]
    public async Task TheRingIsKeptForItsPeriodAndMovesOnWithTheNextOne()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-12-04T10:00:00Z"));
        var keys = new InMemoryAddressKeys();
        var hasher = new AddressHasher(keys, clock, new Monitor(new AbuseOptions()));
        var ip = IPAddress.Parse("2001:db8::1");
        var first = await hasher.HashAsync(ip);
        Assert.Equal(first.AllHashes, (await hasher.HashAsync(IPAddress.Parse("2001:db8::2"))).AllHashes); // same /64

        clock.Advance(TimeSpan.FromDays(1));
        var next = await hasher.HashAsync(ip);
        Assert.NotEqual(first.Hash, next.Hash);                  // a new key for the new period
        Assert.Equal(first.AllHashes[0], next.AllHashes[1]);     // and yesterday's still there, second
        Assert.Equal(first.AllHashes.Count, next.AllHashes.Count);
    }
}
