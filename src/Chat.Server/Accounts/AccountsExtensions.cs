using Chat.Server.Storage;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Chat.Server.Accounts;

public static class AccountsExtensions
{
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration config)
    {
        // Sign-in cookies stay valid across restarts (and, with a shared folder, across nodes).
        var keys = config["DataProtection:KeysPath"] is { Length: > 0 } k ? k : "data/keys";
        services.AddDataProtection().SetApplicationName("chat").PersistKeysToFileSystem(new DirectoryInfo(keys));

        services.AddOptions<AccountsOptions>().BindConfiguration(AccountsOptions.Section);
        services.AddIdentity<ChatUser, IdentityRole>(o =>
            {
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = true;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = false;
            })
            .AddEntityFrameworkStores<RecordsDbContext>()
            .AddErrorDescriber<DutchIdentityErrors>()
            .AddDefaultTokenProviders();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "chat.console";
            o.Cookie.HttpOnly = true;
            // Strict: the cookie never rides along on a request started by another site (CSRF on the JSON API).
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(10);
            o.SlidingExpiration = true;
            o.LoginPath = "/console/login";
            o.LogoutPath = "/console/logout";
            o.AccessDeniedPath = "/console"; // a signed-in expert who opens a coordinator page lands back in the console
            o.Events = new CookieAuthenticationEvents
            {
                // APIs and hubs answer 401/403; only pages redirect to the login page.
                OnRedirectToLogin = ctx => ApiAware(ctx, StatusCodes.Status401Unauthorized),
                OnRedirectToAccessDenied = ctx => ApiAware(ctx, StatusCodes.Status403Forbidden),
            };
        });
        services.AddScoped<AccountSeeder>();
        services.AddScoped<Chat.ExpertConsole.IConsoleAccounts, ConsoleAccounts>();
        return services;
    }

    private static Task ApiAware(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        var path = ctx.Request.Path;
        if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs"))
        {
            ctx.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }
}
