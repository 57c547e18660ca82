using System.Diagnostics;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>Runs the <c>interns1</c> executable of the test output as a child process and collects what it printed.
/// A <c>ConnectionStrings__Postgres</c> of the owner role becomes the worker's login role, and the owner's goes to
/// <c>ConnectionStrings__PostgresOwner</c> (migrations), as a deployment configures them.</summary>
public static class CliRun
{
    /// <summary>Runs <c>interns1 <paramref name="args"/></c> with <paramref name="env"/> added to its environment.</summary>
    public static async Task<(int Exit, string Out, string Err)> RunAsync(IDictionary<string, string> env, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "interns1.dll"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (k, v) in env)
            info.Environment[k] = v;
        if (env.TryGetValue("ConnectionStrings__Postgres", out var postgres) && !env.ContainsKey("ConnectionStrings__PostgresOwner"))
        {
            info.Environment["ConnectionStrings__PostgresOwner"] = postgres;
            info.Environment["ConnectionStrings__Postgres"] = TestServices.AsWorker(postgres);
        }
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }
}
