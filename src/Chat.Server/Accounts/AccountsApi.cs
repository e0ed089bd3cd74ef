using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Accounts;

/// <summary>The coordinator manages the accounts of experts (and of other coordinators).</summary>
public static class AccountsApi
{
    /// <param name="Gender">For visitors who prefer a woman or a man: <c>woman</c>, <c>man</c>, <c>other</c>, <c>unspecified</c>.</param>
    /// <param name="Languages">Lower-case two-letter codes the expert chats in, e.g. <c>["nl","en"]</c>.</param>
    public sealed record AccountDto(string Id, string UserName, string DisplayName, string Experience, int MaxChats,
        bool Coordinator, bool Disabled, string Gender, IReadOnlyList<string> Languages, IReadOnlyList<string> Projects, bool Administrator);

    public sealed record CreateAccount(string? UserName, string? DisplayName, string? Experience, int? MaxChats, string? Password, bool? Coordinator,
        string? Gender = null, string[]? Languages = null, string[]? Projects = null);
    public sealed record UpdateAccount(string? DisplayName, string? Experience, int? MaxChats, bool? Coordinator, bool? Disabled,
        string? Gender = null, string[]? Languages = null, string[]? Projects = null);
    public sealed record SetPassword(string? Password);

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        // A coordinator manages the accounts of their own projects; an administrator creates accounts in any project (a
        // project's first coordinator) and sees every account, but changes only those of projects they coordinate.
        var group = app.MapGroup("/api/accounts").WithTags("Accounts").RequireAuthorization(p => p.RequireRole(Roles.Coordinator, Roles.Administrator));

        group.MapGet("/", async (UserManager<ChatUser> users, Tenancy.ProjectScope scope, ClaimsPrincipal me) =>
        {
            var admin = me.IsInRole(Roles.Administrator);
            var list = new List<AccountDto>();
            foreach (var u in await users.Users.OrderBy(u => u.DisplayName).ToListAsync())
                if (admin || scope.IncludesAny(u.ProjectList)) list.Add(await ToDtoAsync(users, u));
            return TypedResults.Ok(list);
        });

        group.MapPost("/", async Task<Results<Created<AccountDto>, ValidationProblem, ProblemHttpResult>> (
            CreateAccount? body, UserManager<ChatUser> users, Tenancy.ProjectScope scope, Tenancy.ProjectDirectory directory, ClaimsPrincipal me) =>
        {
            var errors = new Dictionary<string, string[]>();
            var userName = body?.UserName?.Trim() ?? "";
            if (userName.Length is < 3 or > 32 || !userName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
                errors["userName"] = ["3 tot 32 tekens: letters, cijfers, punt, streepje of liggend streepje."];
            Validate(body?.DisplayName, body?.Experience, body?.MaxChats, errors, required: true);
            ValidateMatching(body?.Gender, body?.Languages, errors);
            if (string.IsNullOrEmpty(body?.Password)) errors["password"] = ["Vul een wachtwoord in."];
            var projects = body?.Projects ?? (scope.Projects.Count > 0 ? [scope.DefaultProject] : []);
            await ValidateProjectsAsync(projects, directory, scope, me.IsInRole(Roles.Administrator), errors);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
            if (await users.FindByNameAsync(userName) is not null)
                return TypedResults.Problem(statusCode: 409, title: "Deze gebruikersnaam bestaat al.");

            var user = new ChatUser
            {
                UserName = userName, DisplayName = body!.DisplayName!.Trim(), Experience = body.Experience!, MaxChats = body.MaxChats ?? 1,
                Gender = body.Gender ?? Genders.Unspecified, Languages = body.Languages is { } langs ? string.Join(',', langs) : "nl",
                Projects = string.Join(',', projects),
                // An administrator who does not coordinate all its projects sets only a first password (design: the account
                // chooses its own at the first sign-in).
                MustChangePassword = me.IsInRole(Roles.Administrator)
                    && !(me.IsInRole(Roles.Coordinator) && projects.All(Tenancy.ProjectScope.Of(me).Contains)),
            };
            var created = await users.CreateAsync(user, body.Password!);
            if (!created.Succeeded)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["password"] = Describe(created) });
            await users.AddToRoleAsync(user, Roles.Expert);
            if (body.Coordinator == true) await users.AddToRoleAsync(user, Roles.Coordinator);
            return TypedResults.Created($"/api/accounts/{user.Id}", await ToDtoAsync(users, user));
        });

        group.MapPut("/{id}", async Task<Results<Ok<AccountDto>, NotFound, ValidationProblem>> (
            string id, UpdateAccount? body, UserManager<ChatUser> users, ClaimsPrincipal me, AccountSessions sessions,
            Tenancy.ProjectScope scope, Tenancy.ProjectDirectory directory) =>
        {
            var user = await users.FindByIdAsync(id);
            if (user is null || !MayChange(me, scope, user)) return TypedResults.NotFound();
            var errors = new Dictionary<string, string[]>();
            Validate(body?.DisplayName, body?.Experience, body?.MaxChats, errors, required: false);
            ValidateMatching(body?.Gender, body?.Languages, errors);
            // The projects the caller coordinates are set as asked; the account's other projects stay as they are.
            string[]? projects = null;
            if (body?.Projects is { } asked)
            {
                if (asked.Length > 0) await ValidateProjectsAsync(asked, directory, scope, admin: false, errors); // none: out of the caller's
                projects = [.. user.ProjectList.Where(p => !scope.Includes(p)), .. asked];
                if (projects.Length == 0) errors["projects"] = ["Een account hoort bij ten minste één project."];
            }
            var self = users.GetUserId(me) == id;
            // The role, the disabled state (and the password, below) hold in every project of the account: only a coordinator
            // of all of them changes those, and an administrator's account only by an administrator.
            if ((body?.Coordinator is not null || body?.Disabled is not null) && !await OwnsWhollyAsync(me, scope, user, users)
                && (body?.Coordinator != await users.IsInRoleAsync(user, Roles.Coordinator) || body?.Disabled is { } d && d != user.Disabled))
                errors["coordinator"] = ["Dit account werkt ook voor een ander project (of beheert projecten): de coördinatorrol en uitschakelen " +
                                         "doet een coördinator van al zijn projecten."];
            if (self && (body?.Coordinator == false || body?.Disabled == true))
                errors["coordinator"] = ["Je kunt jezelf niet de coördinatorrol afnemen of uitschakelen."];
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

            if (body?.DisplayName is { } name) user.DisplayName = name.Trim();
            if (body?.Experience is { } exp) user.Experience = exp;
            if (body?.MaxChats is { } max) user.MaxChats = max;
            if (body?.Gender is { } gender) user.Gender = gender;
            if (body?.Languages is { } languages) user.Languages = string.Join(',', languages);
            var projectsChanged = projects is not null && !projects.Order().SequenceEqual(user.ProjectList.Order());
            if (projects is not null) user.Projects = string.Join(',', projects);
            var disabling = body?.Disabled == true && !user.Disabled;
            if (body?.Disabled is { } disabled) user.Disabled = disabled; // its own state; records stay
            await users.UpdateAsync(user);
            var rolesChanged = false;
            if (body?.Coordinator is { } coordinator)
            {
                var isCoordinator = await users.IsInRoleAsync(user, Roles.Coordinator);
                if (coordinator && !isCoordinator) await users.AddToRoleAsync(user, Roles.Coordinator);
                if (!coordinator && isCoordinator) await users.RemoveFromRoleAsync(user, Roles.Coordinator);
                rolesChanged = coordinator != isCoordinator;
            }
            // Roles live in the sign-in cookie: a change (or disabling) ends every session of the account at once.
            if (rolesChanged || disabling || projectsChanged) await sessions.EndAsync(user, takeOffShift: disabling || projectsChanged);
            return TypedResults.Ok(await ToDtoAsync(users, user));
        });

        group.MapPost("/{id}/password", async Task<Results<NoContent, NotFound, ValidationProblem>> (
            string id, SetPassword? body, UserManager<ChatUser> users, ClaimsPrincipal me, AccountSessions sessions, Tenancy.ProjectScope scope) =>
        {
            var user = await users.FindByIdAsync(id);
            if (user is null || !MayChange(me, scope, user)) return TypedResults.NotFound();
            if (users.GetUserId(me) != id && !await OwnsWhollyAsync(me, scope, user, users))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    { ["password"] = ["Dit account werkt ook voor een ander project (of beheert projecten): een wachtwoord zet een coördinator van al zijn projecten."] });
            // A coordinator's own password changes only with the current one (POST /api/auth/password).
            if (users.GetUserId(me) == id)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                    { ["password"] = ["Je eigen wachtwoord wijzig je met je huidige wachtwoord, onder Wachtwoord wijzigen."] });
            if (string.IsNullOrEmpty(body?.Password))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["password"] = ["Vul een wachtwoord in."] });
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var r = await users.ResetPasswordAsync(user, token, body.Password);
            if (!r.Succeeded)
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["password"] = Describe(r) });
            // Whoever knew the old password is out at once; a disabled account stays disabled.
            await sessions.EndAsync(user, takeOffShift: false);
            return TypedResults.NoContent();
        });

        return app;
    }

    /// <summary>A coordinator changes the accounts of their own projects only (an administrator's own projects included).</summary>
    private static bool MayChange(ClaimsPrincipal me, Tenancy.ProjectScope scope, ChatUser user) =>
        me.IsInRole(Roles.Coordinator) && scope.IncludesAny(user.ProjectList);

    /// <summary>The caller coordinates every project of the account, and it is no administrator's unless the caller is one.</summary>
    private static async Task<bool> OwnsWhollyAsync(ClaimsPrincipal me, Tenancy.ProjectScope scope, ChatUser user, UserManager<ChatUser> users) =>
        me.IsInRole(Roles.Coordinator) && user.ProjectList.All(scope.Includes)
        && (me.IsInRole(Roles.Administrator) || !await users.IsInRoleAsync(user, Roles.Administrator));

    private static async Task ValidateProjectsAsync(string[] projects, Tenancy.ProjectDirectory directory, Tenancy.ProjectScope scope, bool admin,
        Dictionary<string, string[]> errors)
    {
        var known = await directory.AllAsync();
        if (projects.Length is < 1 or > 20 || projects.Distinct().Count() != projects.Length)
            errors["projects"] = ["Eén tot twintig projecten, elk één keer."];
        else if (projects.Any(p => p is null || !known.ContainsKey(p)))
            errors["projects"] = ["Onbekend project: " + string.Join(", ", projects.Where(p => p is null || !known.ContainsKey(p))) + "."];
        else if (!admin && projects.Any(p => !scope.Includes(p)))
            errors["projects"] = ["Je kunt alleen accounts maken in de projecten waarvan je coördinator bent."];
    }

    private static void Validate(string? displayName, string? experience, int? maxChats, Dictionary<string, string[]> errors, bool required)
    {
        if (displayName is not null || required)
            if (string.IsNullOrWhiteSpace(displayName) || displayName.Trim().Length > 40)
                errors["displayName"] = ["1 tot 40 tekens; de naam die contactzoekers zien (een voornaam of gekozen naam)."];
        if (experience is not null || required)
            if (!Experiences.All.Contains(experience))
                errors["experience"] = [$"Een van: {string.Join(", ", Experiences.All)}."];
        if (maxChats is < 1 or > 5)
            errors["maxChats"] = ["1 tot en met 5 gesprekken tegelijk."];
    }

    /// <summary>Gender and languages, when given (null leaves them as they are, or the default on create).</summary>
    private static void ValidateMatching(string? gender, string[]? languages, Dictionary<string, string[]> errors)
    {
        if (gender is not null && !Genders.All.Contains(gender))
            errors["gender"] = [$"Een van: {string.Join(", ", Genders.All)} (vrouw, man, anders, zegt het liever niet)."];
        if (languages is null) return;
        if (languages.Length is < 1 or > 5)
            errors["languages"] = ["1 tot en met 5 talen."];
        else if (languages.Any(l => l is not { Length: 2 } || !l.All(char.IsAsciiLetterLower)))
            errors["languages"] = ["Taalcodes van twee kleine letters, zoals nl, en, ar, tr."];
        else if (languages.Distinct().Count() != languages.Length)
            errors["languages"] = ["Noem elke taal één keer."];
    }

    private static string[] Describe(IdentityResult r) => r.Errors.Select(e => e.Description).ToArray();

    private static async Task<AccountDto> ToDtoAsync(UserManager<ChatUser> users, ChatUser u) => new(u.Id, u.UserName ?? "",
        u.DisplayName, u.Experience, u.MaxChats, await users.IsInRoleAsync(u, Roles.Coordinator), u.Disabled, u.Gender, u.LanguageList,
        u.ProjectList, await users.IsInRoleAsync(u, Roles.Administrator));
}
