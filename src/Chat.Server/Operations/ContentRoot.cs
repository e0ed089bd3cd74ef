namespace Chat.Server.Operations;

/// <summary>
/// Where the server finds its own files (appsettings.json, wwwroot with the widget and console) and where relative paths
/// such as <c>data/chat.db</c> and <c>data/keys</c> point: its content root.
/// <list type="bullet">
/// <item>A content root given explicitly (<c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c>, <c>DOTNET_CONTENTROOT</c>) is used
/// as ASP.NET Core does (relative data paths then stay relative to the current folder).</item>
/// <item>Otherwise the current folder when it holds the app's settings (<c>appsettings.json</c>): the project folder under
/// <c>dotnet run</c>, <c>/app</c> in the image, the publish folder when started from there.</item>
/// <item>Otherwise the folder of the program itself (<c>dotnet out/Chat.Server.dll</c> started from anywhere else): without
/// this, ASP.NET Core takes the current folder, loads no appsettings.json and serves the static files as empty answers.</item>
/// </list>
/// In the last case the process then works in that folder, so every relative path (the SQLite file, the keys folder, the live-state file)
/// is relative to the content root, wherever the server was started from.
/// </summary>
public static class ContentRoot
{
    public static WebApplicationOptions Options(string[] args)
    {
        // Given explicitly (also by WebApplicationFactory in the tests) or the current folder is the app's: as it is.
        if (IsExplicit(args) || File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json")))
            return new WebApplicationOptions { Args = args };
        var root = AppContext.BaseDirectory;
        Directory.SetCurrentDirectory(root);
        return new WebApplicationOptions { Args = args, ContentRootPath = root };
    }

    private static bool IsExplicit(string[] args) =>
        args.Any(a => a.TrimStart('-', '/').StartsWith("contentRoot", StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
}
