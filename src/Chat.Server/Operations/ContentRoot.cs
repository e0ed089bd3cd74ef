namespace Chat.Server.Operations;

/// <summary>
/// Where the server finds its own files (appsettings.json, wwwroot with the widget and console) and where relative paths
/// such as <c>data/chat.db</c> and <c>data/keys</c> point: its content root.
/// <list type="bullet">
/// <item>A content root given explicitly (<c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c>, <c>DOTNET_CONTENTROOT</c>) is used.</item>
/// <item>Otherwise the current folder when it holds the app's settings (<c>appsettings.json</c>): the project folder under
/// <c>dotnet run</c>, <c>/app</c> in the image, the publish folder when started from there.</item>
/// <item>Otherwise the folder of the program itself (<c>dotnet out/Chat.Server.dll</c> started from anywhere else): without
/// this, ASP.NET Core takes the current folder, loads no appsettings.json and serves the static files as empty answers.</item>
/// </list>
/// The process then works in that folder, so every relative path (the SQLite file, the keys folder, the live-state file)
/// is relative to the content root, wherever the server was started from.
/// </summary>
public static class ContentRoot
{
    public static WebApplicationOptions Options(string[] args)
    {
        var root = Explicit(args) ?? (File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"))
            ? null
            : AppContext.BaseDirectory);
        if (root is null) return new WebApplicationOptions { Args = args };
        root = Path.GetFullPath(root);
        Directory.SetCurrentDirectory(root);
        return new WebApplicationOptions { Args = args, ContentRootPath = root };
    }

    private static string? Explicit(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i].TrimStart('-', '/');
            if (a.StartsWith("contentRoot=", StringComparison.OrdinalIgnoreCase)) return a["contentRoot=".Length..];
            if (a.Equals("contentRoot", StringComparison.OrdinalIgnoreCase) && i + 1 < args.Length) return args[i + 1];
        }
        return Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is { Length: > 0 } aspnet ? aspnet
            : Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is { Length: > 0 } dotnet ? dotnet
            : null;
    }
}
