using System.Net.Http.Json;
using Chat.Tests.Infrastructure;

namespace Chat.Benchmarks;

/// <summary>
/// The benchmark's own expert accounts, one per pair, made through the accounts API as a coordinator would make
/// them (one chat at a time each, the default).
/// </summary>
internal static class BenchExperts
{
    public const string Password = "Bench-Regenjas-Molen-51";
    public static string UserName(int i) => $"bench{i + 1}";

    public static async Task CreateAsync(ServerProcess server, int count)
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        http.DefaultRequestHeaders.Add("Cookie", await server.CookieAsync("coordinator", "Demo-Coordinator-1"));
        for (var i = 0; i < count; i++)
        {
            var r = await http.PostAsJsonAsync("/api/accounts",
                new { userName = UserName(i), displayName = $"Bench {i + 1}", experience = "victim", maxChats = 1, password = Password });
            if (!r.IsSuccessStatusCode)
                throw new InvalidOperationException($"Creating {UserName(i)}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        }
    }
}
