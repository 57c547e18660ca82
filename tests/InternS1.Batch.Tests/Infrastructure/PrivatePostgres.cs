using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the test's own (initdb into a temp folder, loopback, a free port), so a test can
/// stop and start it without disturbing other tests. Runs the Debian binaries as the <c>postgres</c> user
/// (initdb refuses root), like ops/services.sh.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _dir;
    private readonly string _bin;

    private PrivatePostgres(string dir, string bin, int port)
    {
        _dir = dir;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Superuser connection string to the <c>postgres</c> database.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Database=postgres;Username=postgres;Password=unused;Timeout=5";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var versions = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderBy(d => d).ToList() : [];
        if (versions.Count == 0)
            throw new InvalidOperationException("PostgreSQL binaries not found under /usr/lib/postgresql (run ops/services.sh up)");
        var bin = Path.Combine(versions[^1], "bin");
        var dir = Path.Combine(Path.GetTempPath(), $"interns1-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        await RunAsync("chown", "-R", "postgres:postgres", dir);
        await RunAsync("runuser", "-u", "postgres", "--", Path.Combine(bin, "initdb"), "-D", Path.Combine(dir, "data"), "-U", "postgres",
            "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        var pg = new PrivatePostgres(dir, bin, MetricsScrape.FreePort());
        await pg.StartServerAsync();
        return pg;
    }

    public Task StartServerAsync() => RunAsync("runuser", "-u", "postgres", "--", Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_dir, "data"),
        "-w", "-t", "60", "-l", Path.Combine(_dir, "server.log"),
        "-o", $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start");

    public Task StopServerAsync() => RunAsync("runuser", "-u", "postgres", "--", Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_dir, "data"), "-m", "fast", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("runuser", "-u", "postgres", "--", Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
        }
        Directory.Delete(_dir, recursive: true);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {await stdout}{await stderr}");
    }
}
