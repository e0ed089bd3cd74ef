using System.Globalization;
using System.Text;
using Chat.Server.Storage;
using Microsoft.EntityFrameworkCore;

namespace Chat.Server.Triage;

/// <summary>
/// One language's urgent words as stored (Project ready for several projects; today always "default"). Only when the
/// coordinator changed the list: otherwise the list in resources (or Triage:UrgentWords:{language}) holds.
/// </summary>
public sealed class TriageWordList
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
    private (UrgentWordList List, DateTimeOffset LoadedAt)? _cache;

    /// <summary>Whether the text holds an urgent word of any language. Never says which.</summary>
    public async Task<bool> MatchesAsync(string? text, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(text)) return false;
        return (await CompiledAsync(ct)).Matches(text);
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
    public async Task<IReadOnlyList<(string Language, IReadOnlyList<string> Words, DateTimeOffset? ChangedAt)>> ListsAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
        var stored = await db.TriageWordLists.AsNoTracking().Where(l => l.Project == Projects.Default).ToListAsync(ct);
        return Languages.Select(lang => stored.FirstOrDefault(s => s.Language == lang) is { } s
                ? (lang, UrgentWordList.Lines(s.Words), (DateTimeOffset?)s.ChangedAt)
                : (lang, Defaults(lang), null))
            .ToList();
    }

    /// <summary>Keeps the coordinator's list of a language (null: back to the default).</summary>
    public async Task SaveAsync(string language, IReadOnlyList<string>? words, CancellationToken ct = default)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RecordsDbContext>();
            var row = await db.TriageWordLists.FindAsync([Projects.Default, language], ct);
            if (words is null)
            {
                if (row is not null) db.TriageWordLists.Remove(row);
            }
            else
            {
                if (row is null) db.TriageWordLists.Add(row = new TriageWordList { Project = Projects.Default, Language = language });
                row.Words = string.Join('\n', words);
                row.ChangedAt = time.GetUtcNow();
            }
            await db.SaveChangesAsync(ct);
        }
        _cache = null;
    }

    private async Task<UrgentWordList> CompiledAsync(CancellationToken ct)
    {
        if (_cache is { } c && time.GetUtcNow() - c.LoadedAt < CacheFor) return c.List;
        await _load.WaitAsync(ct);
        try
        {
            if (_cache is { } again && time.GetUtcNow() - again.LoadedAt < CacheFor) return again.List;
            var list = new UrgentWordList((await ListsAsync(ct)).SelectMany(l => l.Words));
            _cache = (list, time.GetUtcNow());
            return list;
        }
        finally
        {
            _load.Release();
        }
    }
}
