using Chat.Server.Storage;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace Chat.Server.Accounts;

public static class AccountsExtensions
{
    /// <summary>Accounts: Identity with its roles, cookie sign-in, sessions that end on a change, and two-factor sign-in.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration config, IHostEnvironment env)
    {
        services.AddTwoFactor(env);
        // Sign-in cookies stay valid across restarts (and, with a shared folder, across nodes).
        var keys = config["DataProtection:KeysPath"] is { Length: > 0 } k ? k : "data/keys";
        var protection = services.AddDataProtection().SetApplicationName("chat").PersistKeysToOwnerOnlyFolder(keys); // 0700, keys 0600
        // The keys protect every session: encrypted at rest with a certificate when the deployment gives one.
        if (config["DataProtection:CertificatePath"] is { Length: > 0 } certificate)
            protection.ProtectKeysWithCertificate(System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(
                certificate, config["DataProtection:CertificatePassword"]));

        services.AddOptions<AccountsOptions>().BindConfiguration(AccountsOptions.Section);
        services.AddIdentity<ChatUser, IdentityRole>(o =>
            {
                // Length, and a strength estimate (PasswordPolicy): no rule on character classes, passphrases welcome.
                o.Password.RequiredLength = PasswordPolicy.MinimumLength;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequiredUniqueChars = 1;
                // No lockout on passwords: a stranger could lock the owner out. Guessing is stopped per client address
                // instead (the "login" rate limit); disabled accounts have their own state. Wrong second-factor codes
                // have a limit of their own per account (SecondFactor), after the right password or in a session.
                o.Lockout.AllowedForNewUsers = false;
                o.User.RequireUniqueEmail = false;
            })
            .AddEntityFrameworkStores<RecordsDbContext>()
            .AddErrorDescriber<DutchIdentityErrors>()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<Tenancy.ProjectClaims>() // the account's projects as claims (Tenancy/ProjectScope)
            .AddPasswordValidator<PasswordPolicy>();
        // The security stamp is checked on every request: a change of roles, disabled state or password ends the
        // account's other sessions at once (the next request answers 401), on every node.
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            o.ValidationInterval = TimeSpan.Zero;
            o.OnRefreshingPrincipal = ServerSessions.KeepHandle; // the rebuilt principal keeps its session's handle
        });
        // Sessions live on the server: the cookie holds a random session key only. In Redis in Redis mode (every node),
        // else in memory (kept across a planned restart in the live-state file).
        if (string.IsNullOrWhiteSpace(config.GetConnectionString("Redis")))
        {
            services.AddSingleton<InMemorySessionStore>();
            services.AddSingleton<ServerSessions>(sp => sp.GetRequiredService<InMemorySessionStore>());
        }
        else services.AddSingleton<ServerSessions, RedisSessionStore>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<ServerSessions>((o, store) => o.SessionStore = store);
        services.AddScoped<AccountSessions>();
        services.AddScoped<SecondFactor>();
        services.AddSingleton<ExpertConnections>();
        services.AddSingleton<SessionCheck>();

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
            // APIs and hubs answer 401/403; only pages redirect to the login page. (The events object is Identity's own:
            // replacing it would drop its OnValidatePrincipal, the security-stamp check that ends changed sessions.)
            o.Events.OnRedirectToLogin = ctx => ApiAware(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => ApiAware(ctx, StatusCodes.Status403Forbidden);
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
