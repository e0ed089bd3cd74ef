using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Playwright;

namespace Chat.Tests.Browser;

/// <summary>
/// The server on Kestrel (real sockets, random port) and Debian's Chromium driven by Playwright.
/// Playwright cannot download browsers here; CHROMIUM_PATH (default /usr/bin/chromium) points at the system one.
/// </summary>
public class BrowserFixture : IAsyncLifetime
{
    public ChatApp App { get; }

    public BrowserFixture() : this([]) { }

    /// <param name="settings">Settings of this fixture's server (a suite that needs other limits or requirements).</param>
    protected BrowserFixture(Dictionary<string, string?> settings)
    {
        settings["Widget:QuickExitUrl"] = QuickExitUrl;
        App = new ChatApp(settings);
    }

    public const string QuickExitUrl = "https://neutral.example/";
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";

    public static string ScreenshotDir
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Chat.sln"))) dir = dir.Parent;
            var path = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "artifacts", "screenshots");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    public async Task InitializeAsync()
    {
        App.UseKestrel(0);
        App.StartServer();
        var addresses = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1").TrimEnd('/');
        App.ClientOptions.BaseAddress = new Uri(BaseUrl + "/");

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await LaunchAsync(Playwright);
    }

    /// <summary>Fills and sends the console's login form on the page that shows it.</summary>
    public static async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GetByLabel("Gebruikersnaam").FillAsync(userName);
        await page.GetByLabel("Wachtwoord").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Inloggen" }).ClickAsync();
    }

    /// <summary>Debian's Chromium, headless, with no background requests (this machine reaches no other host).</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } p ? p : "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required"],
    });

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await App.DisposeAsync();
    }
}
