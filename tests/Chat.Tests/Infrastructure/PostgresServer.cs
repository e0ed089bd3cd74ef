using System.Diagnostics;
using Npgsql;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for the tests: a fresh cluster (initdb) in a temporary directory, started with pg_ctl on a
/// free port, trust authentication on 127.0.0.1 only, fsync off (a test cluster). PostgreSQL refuses to run as root,
/// so as root it runs as the "postgres" user that the Debian package creates. Each test gets its own database.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "chat-pg-" + Guid.NewGuid().ToString("n"));
    private string _bin = "";
    public int Port { get; } = ServerProcess.FreePort();

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=false";

    public async Task InitializeAsync()
    {
        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(Directory.Exists)
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault() ?? ""
            : "";
        if (!File.Exists(Path.Combine(_bin, "initdb")))
            throw new InvalidOperationException("PostgreSQL is not installed (apt-get install postgresql); scripts/test.sh installs it.");
        Directory.CreateDirectory(_dir);
        if (Environment.UserName == "root") await RunAsync("chown", $"postgres:postgres {_dir}");
        await PgAsync("initdb", $"-D {_dir}/data -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync");
        await PgAsync("pg_ctl", $"-D {_dir}/data -l {_dir}/log -w -t 60 -o \"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 " +
                                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start");
    }

    /// <summary>A new, empty database.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "chat_" + Guid.NewGuid().ToString("n")[..12];
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
        await cmd.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>The service on a new PostgreSQL database (embedded live state unless the settings say otherwise).</summary>
    public async Task<ChatApp> AppAsync(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Records:Provider"] = "Postgres",
            ["ConnectionStrings:Records"] = await CreateDatabaseAsync(),
        };
        foreach (var (k, v) in settings ?? []) all[k] = v;
        return new ChatApp(all);
    }

    public async Task DisposeAsync()
    {
        try { await PgAsync("pg_ctl", $"-D {_dir}/data -m immediate -w stop"); }
        catch (InvalidOperationException) { /* not started */ }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { /* best effort */ }
    }

    private Task PgAsync(string tool, string args) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", $"-u postgres -- {Path.Combine(_bin, tool)} {args}")
            : RunAsync(Path.Combine(_bin, tool), args);

    private static async Task RunAsync(string exe, string args)
    {
        var psi = new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{exe} {args} failed ({p.ExitCode}): {await error}{await output}");
    }

}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
