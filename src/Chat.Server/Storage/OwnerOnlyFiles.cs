using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Chat.Server.Storage;

/// <summary>
/// Files that hold secrets (the SQLite records with its -wal and -shm, the live-state file and its temporary file, the
/// data-protection keys folder and its keys) are readable by the server's user only: files 0600, folders 0700. They are
/// created so (the process's umask would give 0644 / 0755), and existing ones are set so at start. On Windows the
/// folder's inherited ACL applies and nothing is changed here.
/// </summary>
public static class OwnerOnlyFiles
{
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The folder, made 0700 if it is new (an existing parent keeps its mode: it may be a mounted volume).</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, Folder);
    }

    /// <summary>Writes a new file (or replaces its content) created 0600.</summary>
    public static void Write(string path, byte[] bytes)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = File;
        using (var stream = new FileStream(path, options)) stream.Write(bytes);
        Restrict(path); // FileMode.Create on an existing file keeps its old mode
    }

    /// <summary>An existing file to 0600 (a folder to 0700); nothing when it does not exist.</summary>
    public static void Restrict(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            if (Directory.Exists(path))
            {
                if ((System.IO.File.GetUnixFileMode(path) & ~Folder) != 0) System.IO.File.SetUnixFileMode(path, Folder);
            }
            else if (System.IO.File.Exists(path) && (System.IO.File.GetUnixFileMode(path) & ~File) != 0)
            {
                System.IO.File.SetUnixFileMode(path, File);
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { /* gone meanwhile */ }
    }

    /// <summary>A folder to 0700 and every file in it to 0600.</summary>
    public static void RestrictFolder(string path)
    {
        if (!Directory.Exists(path)) return;
        Restrict(path);
        foreach (var file in Directory.EnumerateFiles(path)) Restrict(file);
    }

    /// <summary>The SQLite records file (null for PostgreSQL or an in-memory database), as SQLite resolves it.</summary>
    public static string? SqliteFile(RecordsDbContext db)
    {
        if (!db.Database.IsSqlite()) return null;
        var source = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        return string.IsNullOrEmpty(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            ? null : Path.GetFullPath(source);
    }

    /// <summary>
    /// At start, before the schema step: the records file is made 0600 before SQLite first opens it (SQLite gives its
    /// -wal and -shm the mode of the database file), and whatever exists already is set to 0600 / 0700.
    /// </summary>
    public static void PrepareAtStart(IServiceProvider services, RecordsDbContext db)
    {
        if (SqliteFile(db) is { } records)
        {
            if (Path.GetDirectoryName(records) is { Length: > 0 } folder) CreateFolder(folder);
            if (!System.IO.File.Exists(records))
            {
                Write(records, []); // an empty file is a new SQLite database ...
                using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = records, Pooling = false }.ToString());
                connection.Open();
                using var wal = connection.CreateCommand();
                wal.CommandText = "PRAGMA journal_mode = 'wal';"; // ... in WAL mode, as EF Core makes one it creates itself
                wal.ExecuteNonQuery();
            }
            foreach (var file in new[] { records, records + "-wal", records + "-shm", records + "-journal" }) Restrict(file);
        }
        if (services.GetService<Live.LiveStateFile>() is { } live)
        {
            Restrict(live.Path);
            Restrict(live.Path + ".tmp");
        }
        if (services.GetService<IOptions<KeyManagementOptions>>()?.Value.XmlRepository is OwnerOnlyXmlRepository keys) keys.RestrictAll();
    }

    /// <summary>Data-protection keys in a folder of their own (0700), each key file 0600.</summary>
    public static IDataProtectionBuilder PersistKeysToOwnerOnlyFolder(this IDataProtectionBuilder builder, string folder)
    {
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = new OwnerOnlyXmlRepository(new DirectoryInfo(folder), sp.GetRequiredService<ILoggerFactory>())));
        return builder;
    }
}

/// <summary>The framework's key folder, created 0700, with every key file it writes set to 0600 at once.</summary>
public sealed class OwnerOnlyXmlRepository(DirectoryInfo folder, ILoggerFactory logs) : IXmlRepository
{
    private readonly FileSystemXmlRepository _inner = new(folder, logs);

    public string Folder => folder.FullName;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        OwnerOnlyFiles.CreateFolder(folder.FullName);
        return _inner.GetAllElements();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        OwnerOnlyFiles.CreateFolder(folder.FullName);
        _inner.StoreElement(element, friendlyName);
        RestrictAll();
    }

    public void RestrictAll() => OwnerOnlyFiles.RestrictFolder(folder.FullName);
}
