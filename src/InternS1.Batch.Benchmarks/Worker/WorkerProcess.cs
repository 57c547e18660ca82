using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace InternS1.Batch.Benchmarks.Worker;

/// <summary>
/// The real <c>interns1 worker</c> as a child process, configured as a user would (environment variables and
/// <c>--Section:Key=value</c> arguments), with its health endpoint on a free loopback port so the benchmark can
/// wait for <c>/readyz</c> (model loaded, bus connected). Its output is kept; SIGTERM stops it (it drains).
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly int _healthPort;

    private WorkerProcess(Process process, int healthPort)
    {
        _process = process;
        _healthPort = healthPort;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The worker's process id (<c>dotnet interns1.dll</c> runs the app in its own process).</summary>
    public int Id => _process.Id;

    /// <summary>Every line the worker printed so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToList(); }
    }

    /// <summary>Starts the worker on <paramref name="queue"/> and <paramref name="connectionString"/>, serving <paramref name="modelDirectory"/>.</summary>
    public static WorkerProcess Start(WorkerBenchmarkOptions options, string connectionString, string queue, string modelDirectory)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(options.WorkerCommand[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in options.WorkerCommand.Skip(1)) info.ArgumentList.Add(arg);
        foreach (var (key, value) in options.Settings) info.ArgumentList.Add($"--{key}={value}");
        info.Environment["ConnectionStrings__Postgres"] = connectionString;
        info.Environment["ConnectionStrings__RabbitMq"] = options.RabbitMq;
        info.Environment["INTERNS1_Worker__QueueName"] = queue;
        info.Environment["INTERNS1_Worker__HealthPort"] = port.ToString();
        info.Environment["INTERNS1_Model__Path"] = modelDirectory;
        return new WorkerProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {options.WorkerCommand[0]}"), port);
    }

    /// <summary>Waits until <c>/readyz</c> answers 200; throws with the worker's output when it exits or times out.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited) throw Failure($"the worker exited with code {_process.ExitCode} before it was ready");
            if (DateTime.UtcNow > deadline) throw Failure($"the worker was not ready after {timeout}");
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{_healthPort}/readyz", ct).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
            }
            await Task.Delay(250, ct).ConfigureAwait(false);
        }
    }

    /// <summary>An exception carrying <paramref name="message"/> and the last lines of the worker's output.</summary>
    public InvalidOperationException Failure(string message) =>
        new($"{message}; its last output:\n{string.Join('\n', Lines.TakeLast(30))}");

    /// <summary>SIGTERM, then waits for the drain (SIGKILL after a minute).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            if (OperatingSystem.IsLinux()) Kill(_process.Id, 15);
            else _process.Kill();
            using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            try { await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
