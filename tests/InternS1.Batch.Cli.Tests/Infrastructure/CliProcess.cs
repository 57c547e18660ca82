using System.Diagnostics;
using System.Text;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>A long-running <c>interns1</c> command (e.g. <c>worker</c>) started as a child process with
/// <paramref name="env"/> added to its environment, everything it prints captured; stopped with SIGTERM as a service
/// manager stops it. Disposing kills it if it still runs.</summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CliProcess(IDictionary<string, string> env, string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "interns1.dll"), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (k, v) in env)
            info.Environment[k] = v;
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Starts <c>interns1 <paramref name="args"/></c>.</summary>
    public static CliProcess Start(IDictionary<string, string> env, params string[] args) => new(env, args);

    /// <summary>Everything printed so far (standard output and error, interleaved as they arrived).</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Waits until the output contains <paramref name="text"/>; fails (with the output) when the process
    /// exits first or <paramref name="timeout"/> passes.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        await TestServices.WaitUntilAsync(() => Task.FromResult(Output.Contains(text, StringComparison.Ordinal) || _process.HasExited),
            timeout, () => Task.FromResult(Output));
        Assert.False(_process.HasExited && !Output.Contains(text, StringComparison.Ordinal), $"exited with {(_process.HasExited ? _process.ExitCode : 0)} before printing '{text}':\n{Output}");
    }

    /// <summary>Sends SIGTERM (when it still runs) and waits for the exit; a process still running after
    /// <paramref name="timeout"/> throws a <see cref="TimeoutException"/> carrying its output.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited) Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
        return await ExitCodeAsync(timeout, $"interns1 did not exit within {timeout.TotalSeconds:F0} s of SIGTERM");
    }

    /// <summary>Waits for the process to end by itself; one still running after <paramref name="timeout"/> throws a
    /// <see cref="TimeoutException"/> carrying its output.</summary>
    public Task<int> WaitForExitAsync(TimeSpan timeout) => ExitCodeAsync(timeout, $"interns1 still runs after {timeout.TotalSeconds:F0} s");

    private async Task<int> ExitCodeAsync(TimeSpan timeout, string failure)
    {
        try { await _process.WaitForExitAsync().WaitAsync(timeout); }
        catch (TimeoutException) { throw new TimeoutException($"{failure}:\n{Output}"); }
        _process.WaitForExit(); // NOTE: the parameterless wait also drains the redirected output
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
