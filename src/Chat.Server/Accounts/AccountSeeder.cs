using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chat.Server.Accounts;

/// <summary>
/// Creates the roles, the first coordinator from configuration, and in Development the demo accounts.
/// A weak or missing initial coordinator password in Production stops the start with a clear message, checked before
/// anything is written (<see cref="RefusalBeforeWritingAsync"/>); the same checks after the schema step stay as a backstop
/// for a database of an older schema, which cannot be read before it is upgraded.
/// </summary>
public sealed class AccountSeeder(
    UserManager<ChatUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<AccountsOptions> options,
    IHostEnvironment env,
    ILogger<AccountSeeder> logger)
{
    public static readonly IReadOnlyList<DemoAccount> DemoAccounts =
    [
        new("coordinator", "Demo-Coordinator-1", "Coördinator", Roles.Coordinator, Experiences.Victim, 1, Genders.Unspecified, "nl"),
        new("expert1", "Demo-Expert-1", "Sanne", Roles.Expert, Experiences.Victim, 1, Genders.Woman, "nl,en"),
        new("expert2", "Demo-Expert-2", "Ruben", Roles.Expert, Experiences.Perpetrator, 1, Genders.Man, "nl"),
        new("admin", "Demo-Admin-1", "Beheer", Roles.Administrator, Experiences.Victim, 1, Genders.Unspecified, "nl"),
    ];

    /// <summary>The initial coordinator's shown name unless Accounts:InitialCoordinator:DisplayName says otherwise.</summary>
    public const string DefaultDisplayName = "Coördinator";

    public async Task SeedAsync()
    {
        await MoveOldDisabledAccountsAsync();
        foreach (var role in new[] { Roles.Expert, Roles.Coordinator, Roles.Administrator })
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)), $"role {role}");

        var demo = options.Value.DemoAccounts ?? env.IsDevelopment();
        if (demo && env.IsProduction()) throw new StartRefusedException(DemoInProduction);

        var initial = options.Value.InitialCoordinator;
        if (!string.IsNullOrWhiteSpace(initial?.UserName))
        {
            await EnsureInitialCoordinatorAsync(initial);
        }
        else if (env.IsProduction() && (await users.GetUsersInRoleAsync(Roles.Coordinator)).Count == 0)
        {
            throw new StartRefusedException(NoCoordinator);
        }

        if (!env.IsDevelopment() && await OpenDemoPasswordsAsync() is { } open) throw new StartRefusedException(open);

        if (demo)
        {
            foreach (var a in DemoAccounts)
                await EnsureUserAsync(a.UserName, a.Password, a.DisplayName, a.Role, a.Experience, a.MaxChats, a.Gender, a.Languages,
                    checkStrength: false); // public passwords, Development only: refused anywhere else
            logger.LogWarning("Demo accounts (Development only): {Accounts}",
                string.Join(", ", DemoAccounts.Select(a => $"{a.UserName} / {a.Password} ({a.Role})")));
            Console.WriteLine();
            Console.WriteLine("Demo accounts (Development only):");
            foreach (var a in DemoAccounts)
                Console.WriteLine($"  {a.UserName,-12} {a.Password,-20} {a.Role}" + (a.Role == Roles.Administrator ? " (projects only, no chats)" : $" ({a.Experience})"));
            Console.WriteLine();
        }
    }

    private const string DemoInProduction = "Accounts:DemoAccounts cannot be enabled in Production: demo passwords are public.";
    private const string NoCoordinator =
        "No coordinator account exists. Set Accounts:InitialCoordinator:UserName and Accounts:InitialCoordinator:Password " +
        "(at least 12 characters and hard to guess: a sentence or three, four unrelated words) to create the first one.";

    /// <summary>
    /// What stops the start, checked before anything is written (no schema, no account, no file): the reason, or null.
    /// Reads the records only where they exist (a SQLite file that is not there is not created to look).
    /// </summary>
    public async Task<string?> RefusalBeforeWritingAsync(Storage.RecordsDbContext db)
    {
        if ((options.Value.DemoAccounts ?? env.IsDevelopment()) && env.IsProduction()) return DemoInProduction;
        var records = await AccountsTableAsync(db);
        if (records == Records.Unknown) return null; // an older schema: SeedAsync checks once it is upgraded
        var initial = options.Value.InitialCoordinator;
        if (!string.IsNullOrWhiteSpace(initial?.UserName))
        {
            if ((records == Records.None || await users.FindByNameAsync(initial.UserName) is null) && await WeakInitialPasswordAsync(initial) is { } weak)
                return weak;
        }
        else if (env.IsProduction() && (records == Records.None || (await users.GetUsersInRoleAsync(Roles.Coordinator)).Count == 0))
        {
            return NoCoordinator;
        }
        return !env.IsDevelopment() && records == Records.Readable ? await OpenDemoPasswordsAsync() : null;
    }

    private enum Records { None, Readable, Unknown }

    private async Task<Records> AccountsTableAsync(Storage.RecordsDbContext db)
    {
        if (Storage.OwnerOnlyFiles.SqliteFile(db) is { } file && !File.Exists(file)) return Records.None;
        if (!await db.Database.CanConnectAsync()) return Records.Unknown; // not "no coordinator": the schema step says why
        try
        {
            await users.Users.OrderBy(u => u.Id).Take(1).ToListAsync(); // every column of this build's model
            return Records.Readable;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            try
            {
                await db.Database.ExecuteSqlRawAsync("SELECT 1 FROM \"AspNetUsers\" WHERE 1 = 0");
                return Records.Unknown; // there, but not as this build reads it (or the database did not answer)
            }
            catch (Exception) { return Records.None; }
        }
    }

    private async Task<string?> WeakInitialPasswordAsync(AccountsOptions.InitialAccount initial)
    {
        if (string.IsNullOrEmpty(initial.Password)) return "Accounts:InitialCoordinator:Password is missing.";
        var probe = new ChatUser { UserName = initial.UserName };
        foreach (var v in users.PasswordValidators)
        {
            var r = await v.ValidateAsync(users, probe, initial.Password);
            // The reasons by code only: a description may quote words found in the password, and this line goes to the log.
            if (!r.Succeeded)
                return $"Accounts:InitialCoordinator:Password is too weak ({string.Join(", ", r.Errors.Select(e => e.Code))}): at least 12 " +
                       "characters, not the user name, and hard to guess (a sentence, or four unrelated words).";
        }
        return null;
    }

    /// <summary>
    /// A database first made by <c>dotnet run</c> (Development) keeps its demo accounts: outside Development the start
    /// stops while any of them still has its public password.
    /// </summary>
    private async Task<string?> OpenDemoPasswordsAsync()
    {
        var open = new List<string>();
        foreach (var a in DemoAccounts)
            if (await users.FindByNameAsync(a.UserName) is { } u && !u.Disabled && await users.CheckPasswordAsync(u, a.Password))
                open.Add(a.UserName);
        return open.Count == 0 ? null :
            $"The account(s) {string.Join(", ", open)} still have the public demo password. Outside Development that would let " +
            "anyone in. Sign in as a coordinator in Development and set new passwords (or disable the accounts) at " +
            "/console/accounts, or start with a new records database.";
    }

    /// <summary>Before schema 3, "disabled" was a lockout until the end of time: made its own state once.</summary>
    private async Task MoveOldDisabledAccountsAsync()
    {
        foreach (var u in users.Users.ToList().Where(u => u.LockoutEnd is { } end && end > DateTimeOffset.UtcNow.AddYears(100)))
        {
            u.Disabled = true;
            u.LockoutEnd = null;
            await users.UpdateAsync(u);
        }
    }

    private async Task EnsureInitialCoordinatorAsync(AccountsOptions.InitialAccount initial)
    {
        var existing = await users.FindByNameAsync(initial.UserName!);
        if (existing is not null)
        {
            // The first coordinator manages the projects too (an installation upgraded from one project included).
            if (!await users.IsInRoleAsync(existing, Roles.Administrator)) Check(await users.AddToRoleAsync(existing, Roles.Administrator), "administrator role");
            return;
        }
        if (await WeakInitialPasswordAsync(initial) is { } weak) throw new StartRefusedException(weak);
        // The shown name reaches visitors (ChatStarted's expert.displayName): never the login name by default.
        await EnsureUserAsync(initial.UserName!, initial.Password!, initial.DisplayName is { Length: > 0 } shown ? shown : DefaultDisplayName,
            Roles.Coordinator, Experiences.Victim, 1);
        Check(await users.AddToRoleAsync((await users.FindByNameAsync(initial.UserName!))!, Roles.Administrator), "administrator role");
        logger.LogInformation("Initial coordinator account {UserName} created", initial.UserName);
    }

    /// <param name="checkStrength">False for the demo accounts only: their public passwords are not meant to be strong.</param>
    private async Task EnsureUserAsync(string userName, string password, string displayName, string role, string experience, int maxChats,
        string gender = Genders.Unspecified, string languages = "nl", bool checkStrength = true)
    {
        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            user = new ChatUser
            {
                UserName = userName, DisplayName = displayName, Experience = experience, MaxChats = maxChats, Gender = gender, Languages = languages,
                // An administrator only (Development's "admin") belongs to no project: it reads no project's records.
                Projects = role == Roles.Administrator ? "" : Storage.Projects.Default,
            };
            if (checkStrength)
            {
                Check(await users.CreateAsync(user, password), $"user {userName}");
            }
            else
            {
                user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
                Check(await users.CreateAsync(user), $"user {userName}");
            }
        }
        else if (user.Gender == Genders.Unspecified && gender != Genders.Unspecified)
        {
            // A demo database made before accounts had a gender and languages gets the demo's.
            user.Gender = gender;
            user.Languages = languages;
            Check(await users.UpdateAsync(user), $"user {userName}");
        }
        if (!await users.IsInRoleAsync(user, role))
            Check(await users.AddToRoleAsync(user, role), $"role of {userName}");
        // A coordinator can also take chats.
        if (role == Roles.Coordinator && !await users.IsInRoleAsync(user, Roles.Expert))
            Check(await users.AddToRoleAsync(user, Roles.Expert), $"expert role of {userName}");
    }

    private static void Check(IdentityResult r, string what)
    {
        if (!r.Succeeded)
            throw new InvalidOperationException($"Could not create {what}: " + string.Join(" ", r.Errors.Select(e => e.Description)));
    }

    public sealed record DemoAccount(string UserName, string Password, string DisplayName, string Role, string Experience, int MaxChats,
        string Gender, string Languages);
}
