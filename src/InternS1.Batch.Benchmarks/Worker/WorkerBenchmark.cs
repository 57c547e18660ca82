using System.Text.Json.Nodes;
using InternS1.Batch.Storage;
using InternS1.Batch.Storage.Entities;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Scratch;
using InternS1.Engine.Torch.Hardware;
using InternS1.Text.Tokenization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;

namespace InternS1.Batch.Benchmarks.Worker;

/// <summary>
/// <c>interns1 bench worker</c>: the real worker process end to end — jobs published to RabbitMQ, consumed and run by
/// <c>interns1 worker</c> with the real runner, results in PostgreSQL — against the same jobs submitted straight to the
/// engine in this process (no broker, no database), on one model folder, in the same run. The worker's rate comes
/// from the database: completion tokens of <c>token_usage</c> over the first <c>started_at</c> to the last
/// <c>finished_at</c> of <c>jobs</c>. Both stay loaded for the whole run. Each first runs untimed warm-up passes of as
/// many jobs of the same shape (other texts) until one whose background JIT (tier-up) CPU time is under a tenth of the
/// pass (at most 5): a cold pass pays the JIT and oneDNN's kernel generation for every new batch shape (the engine-only
/// half measured 7.95 s cold and 5.48 s warm on the same 64 MoE jobs), and after one warm-up pass the worker's
/// background JIT still took 1.2 s of a 1.8 s pass of the tiny model (<see cref="BackgroundJit"/>). Then
/// <see cref="WorkerBenchmarkOptions.Repeats"/> repetitions alternate the halves (worker, engine only, worker, ...),
/// each repetition on its own texts, and each half reports its fastest pass: on a VM whose speed drifts by 2x within
/// seconds one pass of each decided the ratio by which half ran in the slower stretch (0.68-1.97 between runs).
/// Scratch database and queues, dropped afterwards.
/// </summary>
public static class WorkerBenchmark
{
    private const string Dataset = "bench-worker", WarmUpDataset = "bench-worker-warm-up";

    /// <summary>Runs both halves on <paramref name="modelDirectory"/> (a complete model folder: weights, tokenizer, template).</summary>
    /// <param name="name">The model's name in the report.</param>
    /// <param name="modelDirectory">The folder both halves serve.</param>
    /// <param name="options">Jobs, repetitions, the worker command, services and settings.</param>
    /// <param name="addEngine">Registers the worker's engine composition on a host's services (the CLI's, so both halves load the model alike).</param>
    /// <param name="progress">A line per phase.</param>
    /// <param name="ct">Cancels the run.</param>
    public static async Task<WorkerModelResult> RunAsync(string name, string modelDirectory, WorkerBenchmarkOptions options,
        Action<IServiceCollection, IConfiguration> addEngine, Action<string>? progress, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Repeats, 1);
        var tokenizer = InternS1Tokenizer.Load(modelDirectory);
        var rabbit = RabbitMqAddress.Parse(options.RabbitMq);
        await using var scratch = await ScratchEnvironment.CreateAsync(options.Postgres, rabbit, "interns1_bench_worker", ct).ConfigureAwait(false);
        var queue = scratch.Queue("bench-worker");

        progress?.Invoke($"{name}: starting interns1 worker (scratch database {scratch.Database})");
        await using var process = WorkerProcess.Start(options, scratch.ConnectionString, queue, modelDirectory);
        await process.WaitReadyAsync(options.Timeout, ct).ConfigureAwait(false);
        await using var publisher = await JobPublisher.ConnectAsync(rabbit, queue, ct).ConfigureAwait(false);
        async Task<WorkerRun> WorkerPassAsync(IReadOnlyList<JsonObject> list, string dataset)
        {
            var jit = BackgroundJit.Snapshot(process.Id);
            await publisher.PublishAllAsync(list.Select(j => ((string)j["job_id"]!, j.ToJsonString())).ToList(), null, ct).ConfigureAwait(false);
            var run = await WaitForResultsAsync(scratch.ConnectionString, dataset, list.Count, process, options.Timeout, ct).ConfigureAwait(false);
            return run with { BackgroundJitSeconds = BackgroundJit.SecondsBetween(jit, BackgroundJit.Snapshot(process.Id)) };
        }
        progress?.Invoke($"{name}: the worker is ready; {options.Jobs} warm-up jobs (untimed) per pass until it is warm");
        var workerWarmUp = await WarmUpAsync(name, "worker", options, pass =>
        {
            var dataset = $"{WarmUpDataset}-{pass}";
            return WorkerPassAsync(WorkerWorkload.WarmUpJobs(options, tokenizer, dataset, pass), dataset);
        }, progress).ConfigureAwait(false);

        progress?.Invoke($"{name}: loading the engine-only half in this process; {options.Jobs} warm-up jobs (untimed) per pass until it is warm");
        await using var engine = await EngineOnlyHost.StartAsync(modelDirectory, options, addEngine, ct).ConfigureAwait(false);
        var engineWarmUp = await WarmUpAsync(name, "engine only", options,
            pass => engine.RunAsync(WorkerWorkload.WarmUpJobs(options, tokenizer, WarmUpDataset, pass), ct), progress).ConfigureAwait(false);

        var workerRuns = new List<WorkerRun>();
        var engineRuns = new List<WorkerRun>();
        for (var repetition = 1; repetition <= options.Repeats; repetition++)
        {
            var dataset = $"{Dataset}-{repetition}";
            var jobs = WorkerWorkload.Jobs(options, tokenizer, dataset, repetition);
            progress?.Invoke($"{name}: repetition {repetition} of {options.Repeats}: {jobs.Count} jobs through the worker");
            workerRuns.Add(await WorkerPassAsync(jobs, dataset).ConfigureAwait(false));
            progress?.Invoke($"{name}: repetition {repetition} of {options.Repeats}: the same {jobs.Count} jobs straight to the engine");
            engineRuns.Add(await engine.RunAsync(jobs, ct).ConfigureAwait(false));
        }
        var settings = process.Lines.Where(l => l.Contains("Compute dtype", StringComparison.Ordinal) || l.Contains("Heap", StringComparison.Ordinal))
            .Select(l => l.Trim()).ToList();
        return new WorkerModelResult
        {
            Model = name, WorkerRuns = workerRuns, EngineOnlyRuns = engineRuns, Cpu = CpuFeatures.Current.Summary,
            WorkerSettings = settings, EngineSettings = engine.Settings, WorkerWarmUpPasses = workerWarmUp, EngineOnlyWarmUpPasses = engineWarmUp,
        };
    }

    /// <summary>Untimed warm-up passes of one half until one whose background JIT CPU time is under
    /// <see cref="WorkerBenchmarkOptions.WarmJitShare"/> of it (or <see cref="WorkerBenchmarkOptions.MaxWarmUpPasses"/>
    /// passes, or where the JIT cannot be read, one pass). How many ran.</summary>
    private static async Task<int> WarmUpAsync(string name, string half, WorkerBenchmarkOptions options, Func<int, Task<WorkerRun>> passAsync,
        Action<string>? progress)
    {
        for (var pass = 1; ; pass++)
        {
            var run = await passAsync(pass).ConfigureAwait(false);
            var share = run.BackgroundJitSeconds / Math.Max(run.Seconds, 1e-3);
            progress?.Invoke($"{name}: {half} warm-up pass {pass}: {run.Seconds:F2} s, background JIT {(share is { } s ? $"{s:P0} of it" : "not readable")}");
            if (share is null || share < options.WarmJitShare || pass >= options.MaxWarmUpPasses) return pass;
        }
    }

    /// <summary>Polls the database until <paramref name="jobs"/> jobs of <paramref name="dataset"/> ended; every one must
    /// have succeeded. Their window and completion tokens.</summary>
    private static async Task<WorkerRun> WaitForResultsAsync(string connectionString, string dataset, int jobs, WorkerProcess process, TimeSpan timeout,
        CancellationToken ct)
    {
        var factory = InternS1DbContext.CreateFactory(connectionString);
        string[] ended = [JobStatus.Succeeded, JobStatus.Failed, JobStatus.DeadLettered, JobStatus.Expired];
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await using (var poll = await factory.CreateDbContextAsync(ct).ConfigureAwait(false))
                if (await poll.Jobs.CountAsync(j => j.Dataset == dataset && ended.Contains(j.Status), ct).ConfigureAwait(false) >= jobs) break;
            if (DateTime.UtcNow > deadline) throw process.Failure($"the {dataset} jobs had not ended after {timeout}");
            // NOTE: half a second between polls: the times come from the rows, not from the poll, and on 2 cores every
            // query of this process (and its JIT) is CPU taken from the worker being measured.
            await Task.Delay(500, ct).ConfigureAwait(false);
        }
        await using var db = await factory.CreateDbContextAsync(ct).ConfigureAwait(false);
        var rows = db.Jobs.Where(j => j.Dataset == dataset);
        var succeeded = await rows.CountAsync(j => j.Status == JobStatus.Succeeded, ct).ConfigureAwait(false);
        if (succeeded != jobs)
            throw process.Failure($"only {succeeded} of {jobs} {dataset} jobs succeeded");
        var tokens = await db.TokenUsage.Where(u => rows.Any(j => j.Id == u.JobId)).SumAsync(u => (long)u.CompletionTokens, ct).ConfigureAwait(false);
        var first = await rows.MinAsync(j => j.StartedAt, ct).ConfigureAwait(false);
        var last = await rows.MaxAsync(j => j.FinishedAt, ct).ConfigureAwait(false);
        return new WorkerRun
        {
            Mode = "worker process (RabbitMQ -> worker -> PostgreSQL)", Jobs = jobs,
            CompletionTokens = tokens, Seconds = (last!.Value - first!.Value).TotalSeconds,
        };
    }
}
