using System.Globalization;
using System.Text;
using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Triage;

/// <summary>
/// One language's urgent words as stored (Project ready for several projects; today always "default"). Only when the
/// coordinator changed the list: otherwise the list in resources (or Triage:UrgentWords:{language}) holds.
/// </summary>
public sealed class TriageWordList : Tenancy.IProjectRecord
{
    public string Project { get; set; } = Projects.Default;
    public string Language { get; set; } = "nl";
    /// <summary>One word or phrase per line.</summary>
    public string Words { get; set; } = "";
    public DateTimeOffset ChangedAt { get; set; }
}

/// <summary>
/// A list of urgent words and short phrases, matched on whole words with case and accents ignored ("Zelfmoord",
/// "zelfmóórd" and "ZELFMOORD!" all match "zelfmoord"; "messen" does not match "mes"). Pure: no I/O, no logging; the
/// caller learns only whether something matched, never what.
/// </summary>
public sealed class UrgentWordList
{
    private readonly string[] _phrases;

    public UrgentWordList(IEnumerable<string> words)
    {
        _phrases = words.Select(Normalize).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).Select(p => " " + p + " ").ToArray();
    }

    public int Count => _phrases.Length;

    public bool Matches(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || _phrases.Length == 0) return false;
        var padded = " " + Normalize(text) + " ";
        foreach (var p in _phrases)
            if (padded.Contains(p, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>
    /// Lower case, accents off, apostrophes dropped ("can't" is "cant"), every other run of non-letters and non-digits one
    /// space: so a phrase matches whole words only, whatever the punctuation around it.
    /// </summary>
    public static string Normalize(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        var space = true;
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark || c is '\'' or '’' or '‘' or '`') continue;
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else if (!space)
            {
                sb.Append(' ');
                space = true;
            }
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>The lines of a word file: blank lines and lines starting with # left out.</summary>
    public static IReadOnlyList<string> Lines(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
}

/// <summary>
/// The urgent words of every language: the coordinator's list where they changed it, else the default from resources
/// (<c>Triage/Words/{language}.txt</c>) or configuration (<c>Triage:UrgentWords:{language}</c>, an array). Matched on what
/// a waiting visitor types and on letters, in every language at once (a visitor may write in either). Each node keeps
/// the compiled lists for <see cref="CacheFor"/>; a change on this node applies at once, on the others within that time.
/// </summary>
public sealed class UrgentWords(IServiceScopeFactory scopes, IConfiguration configuration, TimeProvider time)
{
    public static readonly string[] Languages = ["nl", "en"];
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _load = new(1, 1);
    // Per project (each coordinator keeps their own project's lists).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (UrgentWordList List, DateTimeOffset LoadedAt)> _cache = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, UrgentWordList> _lastGood = new(StringComparer.Ordinal);
    private int _version; // a save on this node: a load that began before it must not put the old list back

    /// <summary>Whether the text holds an urgent word of any language. Never says which.</summary>
    /// <param name="project">The visitor's project: its coordinator's lists count.</param>
    public async Task<bool> MatchesAsync(string? text, string project = Projects.Default, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(text)) return false;
        return (await CompiledAsync(project, ct)).Matches(text);
    }

    /// <summary>The default list of a language (resources, or configuration when set there).</summary>
    public IReadOnlyList<string> Defaults(string language)
    {
        var configured = configuration.GetSection($"{TriageOptions.Section}:UrgentWords:{language}").Get<string[]>();
        if (configured is { Length: > 0 }) return configured.Select(w => w.Trim()).Where(w => w.Length > 0).ToList();
        using var stream = typeof(UrgentWords).Assembly.GetManifestResourceStream($"Chat.Server.Triage.Words.{language}.txt");
        if (stream is null) return [];
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return UrgentWordList.Lines(reader.ReadToEnd());
    }

    /// <summary>Every language's list as it holds now, and whether the coordinator changed it.</summary>
    public async Task<IReadOnlyList<(string Language, IReadOnlyList<string> Words, DateTimeOffset? ChangedAt)>> ListsAsync(string project,
        CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        var stored = await db.TriageWordLists.AsNoTracking().Where(l => l.Project == project).ToListAsync(ct);
        return Languages.Select(lang => stored.FirstOrDefault(s => s.Language == lang) is { } s
                ? (lang, UrgentWordList.Lines(s.Words), (DateTimeOffset?)s.ChangedAt)
                : (lang, Defaults(lang), null))
            .ToList();
    }

    /// <summary>Keeps the coordinator's list of a language (null: back to the default).</summary>
    public async Task SaveAsync(string project, string language, IReadOnlyList<string>? words, CancellationToken ct = default)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
            var row = await db.TriageWordLists.FindAsync([project, language], ct);
            if (words is null)
            {
                if (row is not null) db.TriageWordLists.Remove(row);
            }
            else
            {
                if (row is null) db.TriageWordLists.Add(row = new TriageWordList { Project = project, Language = language });
                row.Words = string.Join('\n', words);
                row.ChangedAt = time.GetUtcNow();
            }
            await db.SaveChangesAsync(ct);
        }
        Interlocked.Increment(ref _version);
        _cache.TryRemove(project, out _);
    }

    /// <summary>
    /// The lists as compiled, read again after <see cref="CacheFor"/>. When the records database cannot be read, the last
    /// lists read stay in use (or the defaults, before any): matching never stops because of a database hiccup.
    /// </summary>
    private async Task<UrgentWordList> CompiledAsync(string project, CancellationToken ct)
    {
        if (_cache.TryGetValue(project, out var c) && time.GetUtcNow() - c.LoadedAt < CacheFor) return c.List;
        await _load.WaitAsync(ct);
        try
        {
            if (_cache.TryGetValue(project, out var again) && time.GetUtcNow() - again.LoadedAt < CacheFor) return again.List;
            var version = Volatile.Read(ref _version);
            UrgentWordList list;
            try
            {
                list = new UrgentWordList((await ListsAsync(project, ct)).SelectMany(l => l.Words));
                _lastGood[project] = list;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                list = _lastGood.GetValueOrDefault(project) ?? new UrgentWordList(Languages.SelectMany(Defaults));
                _cache[project] = (list, time.GetUtcNow() - CacheFor + TimeSpan.FromSeconds(5)); // try the database again soon
                return list;
            }
            if (version == Volatile.Read(ref _version)) _cache[project] = (list, time.GetUtcNow());
            return list;
        }
        finally
        {
            _load.Release();
        }
    }
}
