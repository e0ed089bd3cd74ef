using Chat.Server.Abuse;
using Chat.Tests.Attacks;

namespace Chat.Tests.Privacy;

/// <summary>
/// The log filter (Abuse/LogHygiene.cs) takes every form of a client's address out whole, with its brackets and port,
/// and leaves the server's own listening addresses readable (a newcomer needs "Now listening on: http://[::]:8080").
/// </summary>
public sealed class LogAddressTests
{
    [Theory]
    // IPv4, with a port, at the end of a sentence, in brackets and quotes.
    [InlineData("from 192.168.1.20 now", "from [address] now")]
    [InlineData("client:1.2.3.4 dropped", "client:[address] dropped")]
    [InlineData("ip:203.0.113.7", "ip:[address]")]
    [InlineData("RemoteIp:2001:db8::1 gone", "RemoteIp:[address] gone")]
    [InlineData("ClientId:198.51.100.9", "ClientId:[address]")]
    [InlineData("from 203.0.113.7:53422 now", "from [address] now")]
    [InlineData("client 198.51.100.23.", "client [address].")]
    [InlineData("ip=\"10.1.2.3\"", "ip=\"[address]\"")]
    [InlineData("(172.16.0.1)", "([address])")]
    // IPv6 in every compressed form, with a zone, in brackets with a port.
    [InlineData("peer 2001:db8:85a3:0:0:8a2e:370:7334 x", "peer [address] x")]
    [InlineData("peer 2001:0db8:85a3:0000:0000:8a2e:0370:7334 x", "peer [address] x")]
    [InlineData("peer 2001:db8::8a2e:370:7334 x", "peer [address] x")]
    [InlineData("peer 2001:db8:: x", "peer [address] x")]
    [InlineData("peer ::1 x", "peer [address] x")]
    [InlineData("peer ::2:3:4 x", "peer [address] x")]
    [InlineData("peer fe80::1%eth0 x", "peer [address] x")]
    [InlineData("peer [2001:db8::5]:443 x", "peer [address] x")]
    [InlineData("peer [fe80::1%eth0]:8080 x", "peer [address] x")]
    [InlineData("peer [2001:db8::5] x", "peer [address] x")]
    [InlineData("peer 2001:DB8::A x", "peer [address] x")]
    // IPv4-mapped IPv6 and other IPv4 tails: nothing of the address survives (not "::ffff:[address]", not "[address].0.0.1").
    [InlineData("peer ::ffff:127.0.0.1 x", "peer [address] x")]
    [InlineData("peer ::ffff:203.0.113.9 x", "peer [address] x")]
    [InlineData("peer [::ffff:127.0.0.1]:5080 x", "peer [address] x")]
    [InlineData("peer ::ffff:203.0.113.9:51234 x", "peer [address] x")]
    [InlineData("peer 0:0:0:0:0:ffff:cb00:7109 x", "peer [address] x")]
    [InlineData("peer 64:ff9b::198.51.100.4 x", "peer [address] x")]
    [InlineData("RemoteIpAddress=::ffff:10.0.0.8,", "RemoteIpAddress=[address],")]
    // A client's address as a URL's host is a client's address too.
    [InlineData("GET http://10.0.0.1:8080/api/x?token=abc", "GET http://[address]/api/x?[query]")]
    [InlineData("Origin http://[2001:db8::7]:80/", "Origin http://[address]/")]
    [InlineData("GET http://[::ffff:198.51.100.2]:80/", "GET http://[address]/")]
    [InlineData("Request http://127.0.0.1:5080/api/auth/login", "Request http://[address]/api/auth/login")]
    [InlineData("Request http://[::1]:5080/?x=1", "Request http://[address]/?[query]")]
    public void EveryFormOfAClientAddressIsReplacedWhole(string text, string expected) => Assert.Equal(expected, LogHygiene.Scrub(text));

    [Theory]
    [InlineData("Now listening on: http://[::]:8080")]
    [InlineData("Now listening on: http://localhost:5080")]
    [InlineData("Now listening on: http://0.0.0.0:8080")]
    [InlineData("Now listening on: http://127.0.0.1:5080")]
    [InlineData("Now listening on: http://[::1]:5080")]
    [InlineData("Now listening on: https://0.0.0.0:8443")]
    // Not addresses at all.
    [InlineData("Waarom? Omdat 12:30:00 en versie 10.0 prima zijn.")]
    [InlineData("at 2026-12-03T15:21:31.123Z in Chat.Server::Main, line 1.2.3")]
    [InlineData("mac 00:1a:2b:3c:4d:5e, time 23:59:59.999, ratio 1:2:3")]
    [InlineData("key-7e823687-7852-4a6b-9b74-9ebc0077e351.xml")]
    public void TheServersOwnListeningAddressesAndOtherTextStay(string text) => Assert.Equal(text, LogHygiene.Scrub(text));

    [Fact]
    public void AttackRowMappedAddressesInTheLog()
    {
        string[] forms = ["::ffff:203.0.113.9", "[::ffff:127.0.0.1]:5080", "203.0.113.9:5080", "[2001:db8::5]:443", "fe80::1%eth0"];
        var seen = forms.Select(f => LogHygiene.Scrub($"connection from {f} closed")).ToList();
        var listening = LogHygiene.Scrub("Now listening on: http://[::]:8080");
        AttackTable.Row("client address in a log line (IPv4, IPv6, IPv4-mapped, with brackets and port)",
            "replaced whole ([address]); 'Now listening on: http://[::]:8080' stays",
            $"{string.Join("; ", seen.Select(s => s["connection from ".Length..^" closed".Length]))}; {listening}");
        Assert.All(seen, s => Assert.Equal("connection from [address] closed", s));
        Assert.Equal("Now listening on: http://[::]:8080", listening);
    }
}
