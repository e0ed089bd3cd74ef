using System.Threading.RateLimiting;
using Chat.Server.Abuse;
using Chat.Server.Accounts;
using Chat.Server.ContactForms;
using Chat.Server.Storage;
using Chat.Server.Widget;
using Microsoft.AspNetCore.Rewrite;
using Microsoft.Extensions.Options;

namespace Chat.Server;

/// <summary>Cross-cutting start-up pieces that Program.cs names in one line each.</summary>
public static class Hosting
{
    public static IServiceCollection AddWidget(this IServiceCollection services, IHostEnvironment env)
    {
        services.AddOptions<WidgetOptions>().BindConfiguration(WidgetOptions.Section)
            .Validate(o => Uri.TryCreate(o.QuickExitUrl, UriKind.Absolute, out var u) && u.Scheme is "https" or "http",
                "Widget:QuickExitUrl must be an absolute http(s) URL.")
            // Any site could otherwise frame the chat (and overlay or mimic it): the project names its own sites.
            .Validate(o => env.IsDevelopment() || o.AllowedEmbedOrigins.Length > 0,
                "Widget:AllowedEmbedOrigins is required outside Development: the origins of the project's websites that embed " +
                "the chat, e.g. Widget__AllowedEmbedOrigins__0=https://www.example.org.")
            .Validate(o => o.AllowedEmbedOrigins.All(x => x == "*" ? env.IsDevelopment() : Uri.TryCreate(x, UriKind.Absolute, out var u) && u.Scheme is "https" or "http"),
                "Widget:AllowedEmbedOrigins: each entry is an origin such as https://www.example.org ('*' only in Development).")
            .ValidateOnStart();
        return services;
    }

    public static IServiceCollection AddConsolePages(this IServiceCollection services)
    {
        // The console's Razor Pages live in the Chat.ExpertConsole class library.
        services.AddRazorPages(o =>
                // The console's login page shares the sign-in limit of /api/auth/login (its POSTs; see AddSecurity).
                o.Conventions.AddPageApplicationModelConvention("/Console/Login",
                    m => m.EndpointMetadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute("login"))))
            .AddApplicationPart(typeof(Chat.ExpertConsole.IConsoleAccounts).Assembly);
        return services;
    }

    public static IServiceCollection AddSecurity(this IServiceCollection services)
    {
        services.AddHsts(o => { o.MaxAge = TimeSpan.FromDays(365); o.IncludeSubDomains = false; });
        // The antiforgery cookie is Secure on HTTPS requests, also behind the trusted proxy (X-Forwarded-Proto).
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Per client address (the real one behind a trusted proxy), by its keyed hash, in memory for the window only.
            // One bucket per address for /api/auth/login and the console's login form together (reading the form is free).
            o.AddPolicy("login", http => HttpMethods.IsGet(http.Request.Method) ? RateLimitPartition.GetNoLimiter("read") : RateLimitPartition.GetFixedWindowLimiter(
                http.ClientAddress()?.Hash ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = http.RequestServices.GetRequiredService<IOptionsMonitor<Abuse.AbuseOptions>>().CurrentValue.SignInsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                }));
        });
        return services;
    }

    /// <summary>
    /// Creates or upgrades the records schema and seeds accounts. A bad configuration stops here, before anything is
    /// written, with one line in the log (no stack trace): false, and the process ends with a non-zero exit code.
    /// </summary>
    public static async Task<bool> InitialiseAsync(this WebApplication app)
    {
        try
        {
            if (await StartRefusal.CheckAsync(app.Services) is { } reason) throw new StartRefusedException(reason);
            await app.InitialiseRecordsAsync();
            return true;
        }
        catch (StartRefusedException refused)
        {
            StartRefusal.Log(app.Logger, refused.Message);
            // Run by another program (WebApplicationFactory in the tests), not as the process: that caller gets the reason.
            if (System.Reflection.Assembly.GetEntryAssembly() != typeof(Hosting).Assembly) throw;
            await app.DisposeAsync(); // the log written out; nothing else runs
            return false;
        }
    }

    private static async Task InitialiseRecordsAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        OwnerOnlyFiles.PrepareAtStart(app.Services, db); // records, live state and keys readable by the server's user only
        await using var startup = await RecordsSchema.StartupLockAsync(db); // nodes starting together take turns
        await RecordsSchema.EnsureAsync(db, app.Logger);
        // Embedded mode: what was live at a planned stop comes back before any connection (and before open shifts are
        // closed, so experts on shift keep theirs); it is written again when the host has stopped.
        if (app.Services.GetService<Live.LiveStateFile>() is { } state)
        {
            state.Restore();
            app.Lifetime.ApplicationStopped.Register(state.Save);
        }
        await Roster.ShiftLog.CloseLeftOpenAsync(db, app.Services.GetRequiredService<Live.ILiveStore>(), app.Logger);
        await Statistics.ContactAggregates.EnsureAsync(db, app.Services.GetRequiredService<ReportingZone>(), app.Logger);
        await Tenancy.ProjectDirectory.EnsureDefaultAsync(db, app.Services.GetRequiredService<IOptions<WidgetOptions>>().Value,
            app.Services.GetRequiredService<TimeProvider>(), app.Logger);
        await app.Services.GetRequiredService<Tenancy.ProjectDirectory>().AllAsync(); // read once: the headers' embed origins
        await scope.ServiceProvider.GetRequiredService<AccountSeeder>().SeedAsync();
        await scope.ServiceProvider.GetRequiredService<Replies.RepliesSeeder>().SeedAsync(); // referral cards (and Development's replies), first start only
    }

    /// <summary>
    /// The public paths of the widget and the demo site, served from the Razor class libraries' static assets. Only
    /// requests that one of the rules could match pass the rewriter: it builds the request's whole URL for every rule
    /// that does not match (a log message, also when logging is off), six strings for every API call and hub connection.
    /// </summary>
    public static IApplicationBuilder UseSiteRewrites(this IApplicationBuilder app) =>
        app.UseWhen(http => http.Request.Path.Value is "/" or "" || http.Request.Path.StartsWithSegments("/demo") ||
                            http.Request.Path.Value?.StartsWith("/widget", StringComparison.Ordinal) == true, site => site.UseRewriter(new RewriteOptions()
            .AddRewrite(@"^widget\.(js|css)$", "_content/Chat.Widget/widget.$1", skipRemainingRules: true)
            .AddRedirect(@"^widget$", "widget/")
            .AddRewrite(@"^widget/$", "_content/Chat.Widget/app/index.html", skipRemainingRules: true)
            .AddRewrite(@"^widget/(.+)$", "_content/Chat.Widget/app/$1", skipRemainingRules: true)
            .AddRewrite(@"^demo/?$", "demo/index.html", skipRemainingRules: true)
            .AddRewrite(@"^$", "index.html", skipRemainingRules: true)));

    public static IApplicationBuilder UseSecurityHeaders(this WebApplication app)
    {
        var widget = app.Services.GetRequiredService<IOptions<WidgetOptions>>().Value;
        var embedders = widget.AllowedEmbedOrigins.Length == 0 ? "*" : string.Join(' ', widget.AllowedEmbedOrigins);
        var projects = app.Services.GetRequiredService<Tenancy.ProjectDirectory>();
        // A project's widget (?project=, from data-project) may be embedded by that project's own sites when it names them.
        // The parameter more than once (in any case: ?project=a&Project=b) is framed by nobody: which one a reader takes is
        // the reader's choice, and a page of the installation-wide list must not frame a project that named its own sites.
        // The widget (app/overflow.js, projectParam) reads it by the same rule.
        string EmbeddersOf(HttpRequest request) => request.Query["project"] switch
        {
            { Count: > 1 } => "'none'",
            [{ Length: > 0 } slug] when projects.Cached?.GetValueOrDefault(slug) is { EmbedOriginList.Count: > 0 } p => string.Join(' ', p.EmbedOriginList),
            _ => embedders,
        };
        static string Csp(string frameAncestors) =>
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
            $"form-action 'self'; frame-ancestors {frameAncestors}";
        var cspSelf = Csp("'self'");
        var cspWidget = Csp(embedders);
        // Not async (nothing here waits): a hub's WebSocket would otherwise keep the state machine for the whole visit.
        // The RequestDelegate overload: no closure made per request.
        return app.Use((http, next) =>
        {
            var path = http.Request.Path;
            var h = http.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            // No page of ours tells another site where the visitor came from (quick exit included).
            h["Referrer-Policy"] = "no-referrer";
            h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()";
            var isWidgetApp = path.StartsWithSegments("/widget");
            var isLoader = path.Equals("/widget.js") || path.Equals("/widget.css");
            // Everything comes from this origin: no third-party request from any page.
            h.ContentSecurityPolicy = !isWidgetApp ? cspSelf : EmbeddersOf(http.Request) is var e && ReferenceEquals(e, embedders) ? cspWidget : Csp(e);
            if (!isWidgetApp && !isLoader) h.XFrameOptions = "SAMEORIGIN";
            if (isLoader) h["Cross-Origin-Resource-Policy"] = "cross-origin";
            // Set when the response starts, after the static assets' own headers (which cache fingerprinted files for a
            // year and revalidate the rest): the loader that other sites include is cached 5 minutes, so a new version
            // reaches every embedding page soon; the widget's files under /widget/ keep their fixed names and revalidate
            // (ETag, 304) so a deployment shows at once.
            if (isLoader || isWidgetApp)
                http.Response.OnStarting(() =>
                {
                    h.CacheControl = isLoader ? "public, max-age=300" : "no-cache";
                    return Task.CompletedTask;
                });
            return next(http);
        });
    }
}
