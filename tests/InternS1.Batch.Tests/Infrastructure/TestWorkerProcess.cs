using System.Diagnostics;
using System.Text;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>A tests/InternS1.Batch.TestWorker process (the real worker composition with the deterministic
/// executor), configured through environment variables, connected as the worker's login role
/// (<see cref="TestServices.AsWorker"/>). Kill() is SIGKILL.</summary>
public sealed class TestWorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestWorkerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>True once the process has exited (killed by a job, or stopped).</summary>
    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static async Task<TestWorkerProcess> StartAsync(string connectionString, string queue, IDictionary<string, string> settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "InternS1.Batch.TestWorker.dll");
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ConnectionStrings__Postgres"] = TestServices.AsWorker(connectionString);
        info.Environment["ConnectionStrings__PostgresOwner"] = connectionString;
        info.Environment["ConnectionStrings__RabbitMq"] = TestServices.RabbitMqUri;
        info.Environment["INTERNS1_Worker__QueueName"] = queue;
        info.Environment["INTERNS1_Worker__ShutdownTimeout"] = "00:00:05";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning";
        foreach (var (k, v) in settings)
            info.Environment[k] = v;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var worker = new TestWorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data, ready: e.Data == "TESTWORKER READY");
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data, ready: false);
        process.Exited += (_, _) => worker._ready.TrySetException(new InvalidOperationException("test worker exited before it was ready:\n" + worker.Output));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await worker._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return worker;
    }

    /// <summary>Runs a test worker that is expected to stop by itself; while it runs, <paramref name="whileRunning"/>
    /// is called every 200 ms. Returns its exit code (null: still running after <paramref name="timeout"/>, then
    /// killed) and everything it printed.</summary>
    public static async Task<(int? ExitCode, string Output)> RunUntilExitAsync(IDictionary<string, string> environment, TimeSpan timeout, Func<Task>? whileRunning = null)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "InternS1.Batch.TestWorker.dll")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (k, v) in environment)
            info.Environment[k] = v;
        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + timeout;
        while (!process.HasExited && DateTime.UtcNow < deadline)
        {
            if (whileRunning is not null)
                await whileRunning();
            await Task.Delay(200);
        }
        int? exit = null;
        if (process.HasExited)
            exit = process.ExitCode;
        else
            process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        lock (output)
            return (exit, output.ToString());
    }

    private void Append(string? line, bool ready)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
        if (ready)
            _ready.TrySetResult();
    }

    /// <summary>SIGKILL: no shutdown code runs; unacked messages go back to the queue.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using var term = Process.Start("kill", ["-TERM", _process.Id.ToString()]);
            await term.WaitForExitAsync();
            if (!await Task.Run(() => _process.WaitForExit(TimeSpan.FromSeconds(20))))
                _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
