using Chat.Server.Storage;
using Chat.Server.Widget;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chat.Server.Tenancy;

/// <summary>
/// The projects of the installation as the live side reads them (every StartChat, status poll and routing pass): from the
/// records, cached for a few seconds on each node, refreshed at once on this node after a change. A records hiccup keeps
/// the last list. Texts left empty fall back to the <c>Widget</c> settings (<see cref="TextsOf"/>).
/// </summary>
public sealed class ProjectDirectory(IServiceScopeFactory scopes, IOptionsMonitor<WidgetOptions> widget, TimeProvider time, ILogger<ProjectDirectory> logger)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _reading = new(1, 1);
    private IReadOnlyDictionary<string, Project>? _projects;
    private DateTimeOffset _readAt;
    private DateTimeOffset _missReadAt;

    public async Task<IReadOnlyDictionary<string, Project>> AllAsync(CancellationToken ct = default)
    {
        if (_projects is { } cached && time.GetUtcNow() - _readAt < CacheFor) return cached;
        await _reading.WaitAsync(ct);
        try
        {
            if (_projects is { } again && time.GetUtcNow() - _readAt < CacheFor) return again;
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
            var list = await db.Projects.AsNoTracking().ToListAsync(ct);
            _projects = list.ToDictionary(p => p.Slug, StringComparer.Ordinal);
            _readAt = time.GetUtcNow();
            return _projects;
        }
        catch (Exception ex) when (_projects is not null && ex is not OperationCanceledException)
        {
            logger.LogWarning("Could not read the projects ({Error}); the last list stays", ex.GetType().Name);
            _readAt = time.GetUtcNow() - CacheFor + RereadOnMissAfter; // tried again in a second, not by every request
            return _projects;
        }
        finally
        {
            _reading.Release();
        }
    }

    /// <summary>The projects as last read (no wait; null before the first read): for the response headers.</summary>
    public IReadOnlyDictionary<string, Project>? Cached => _projects;

    /// <summary>Forget the cache on this node (after a change through /api/projects); other nodes follow within seconds.</summary>
    public void Changed()
    {
        _readAt = DateTimeOffset.MinValue;
        _ = AllAsync().ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted); // read again now: the headers use the cached list
    }

    /// <summary>
    /// A project by its slug. A slug this node does not know makes it read the list again (at most once a second, so
    /// unknown slugs cannot make every request a database read): a project made on another node is there at once.
    /// </summary>
    public async Task<Project?> FindAsync(string? slug, CancellationToken ct = default)
    {
        slug ??= Projects.Default;
        var all = await AllAsync(ct);
        if (all.TryGetValue(slug, out var found)) return found;
        var now = time.GetUtcNow();
        if (now - _readAt < RereadOnMissAfter || now - _missReadAt < RereadOnMissAfter) return null;
        _missReadAt = now;
        _readAt = DateTimeOffset.MinValue;
        return (await AllAsync(ct)).GetValueOrDefault(slug);
    }

    private static readonly TimeSpan RereadOnMissAfter = TimeSpan.FromSeconds(1);

    /// <summary>A project's partners: only those that name it back (a partnership needs both).</summary>
    public async Task<IReadOnlyList<Project>> PartnersOfAsync(string slug, CancellationToken ct = default)
    {
        var all = await AllAsync(ct);
        if (!all.TryGetValue(slug, out var p)) return [];
        return p.PartnerList.Select(all.GetValueOrDefault).OfType<Project>()
            .Where(q => q.Slug != slug && q.PartnerList.Contains(slug, StringComparer.Ordinal)).ToList();
    }

    /// <summary>The widget's texts for a project: its own, else the Widget settings.</summary>
    public ProjectTexts TextsOf(Project? p, string language)
    {
        var w = widget.CurrentValue;
        return new ProjectTexts(
            p?.OrganisationName is { Length: > 0 } org ? org : w.OrganisationName,
            p?.QuickExitUrl is { Length: > 0 } exit ? exit : w.QuickExitUrl,
            p?.OpeningHoursText is { Length: > 0 } hours ? hours : w.OpeningHours.GetValueOrDefault(language) ?? w.OpeningHours.GetValueOrDefault("nl") ?? "",
            p?.Alternatives is { Length: > 0 } alt ? alt : w.Alternatives.GetValueOrDefault(language) ?? w.Alternatives.GetValueOrDefault("nl") ?? "");
    }

    /// <summary>The origins that may embed this project's widget (frame-ancestors): its own, else Widget:AllowedEmbedOrigins.</summary>
    public IReadOnlyList<string> EmbedOriginsOf(Project? p) =>
        p?.EmbedOriginList is { Count: > 0 } own ? own : widget.CurrentValue.AllowedEmbedOrigins;

    /// <summary>At start: an installation without projects (new, or upgraded from one project) gets the project "default".</summary>
    public static async Task EnsureDefaultAsync(RecordsDbContext db, WidgetOptions widget, TimeProvider time, ILogger logger, CancellationToken ct = default)
    {
        if (await db.Projects.AnyAsync(ct)) return;
        db.Projects.Add(new Project
        {
            Slug = Projects.Default, Name = widget.OrganisationName, CreatedAt = Hour(time.GetUtcNow()),
        });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Project {Slug} created: this installation's chat", Projects.Default);
    }

    public static DateTimeOffset Hour(DateTimeOffset at) => DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds() / 3600 * 3600);
}

public sealed record ProjectTexts(string OrganisationName, string QuickExitUrl, string OpeningHours, string Alternatives);
