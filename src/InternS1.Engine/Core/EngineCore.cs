using InternS1.Engine.Configuration;
using InternS1.Engine.Execution;
using InternS1.Engine.KvCache;
using InternS1.Engine.Output;
using InternS1.Engine.Requests;
using InternS1.Engine.Scheduling;
using InternS1.Engine.Structured;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InternS1.Engine.Core;

/// <summary>
/// The synchronous engine (vLLM v1's <c>EngineCore</c>): sizes the KV pool, owns the scheduler and
/// the output processor, admits requests (the one place they are checked) and runs one step at a time:
/// schedule, mask (the token masks of constrained requests), execute, update and advance their constraints, process
/// outputs. Not thread-safe: call it from one thread (the
/// <see cref="EngineLoop"/> thread, or a benchmark driving steps directly). The caller owns the runner.
/// </summary>
public sealed partial class EngineCore
{
    private static readonly ModelRunnerOutput NoOutput = new([]);
    private readonly IModelRunner _runner;
    private readonly ILogger _logger;
    private readonly EngineMetrics? _metrics;
    private readonly OutputProcessor _outputs;
    private readonly ConstraintTracker _constraints;

    /// <summary>Sizes the KV cache from <paramref name="options"/> and the runner's model, and
    /// has the runner allocate it.</summary>
    /// <param name="availableMemoryBytes">Free device memory for a fraction-based budget; null = ask the OS.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">Options out of range.</exception>
    public EngineCore(IModelRunner runner, ITokenDecoder decoder, EngineOptions options, ILogger<EngineCore>? logger = null,
        TimeProvider? timeProvider = null, EngineMetrics? metrics = null, long? availableMemoryBytes = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateOrThrow();
        _runner = runner;
        _logger = logger ?? NullLogger<EngineCore>.Instance;
        _metrics = metrics;
        Model = runner.Info;
        var numBlocks = KvCacheSizing.ComputeNumBlocks(options, Model, availableMemoryBytes);
        Config = SchedulerConfig.From(options, Model, numBlocks);
        runner.InitializeKvCache(numBlocks, options.BlockSize);
        Scheduler = new Scheduler(Config, timeProvider);
        _outputs = new OutputProcessor(decoder);
        _constraints = new ConstraintTracker(Model.VocabSize);
        metrics?.Attach(Scheduler);
        LogKvCache(numBlocks, options.BlockSize, numBlocks * Model.KvBytesPerToken * options.BlockSize, Model.KvBytesPerToken, Config.MaxSequenceLength);
    }

    /// <summary>The loaded model's facts.</summary>
    public ModelRunnerInfo Model { get; }

    /// <summary>Budgets and KV pool size in force.</summary>
    public SchedulerConfig Config { get; }

    /// <summary>The scheduler (queues, KV blocks, prefix-cache counters).</summary>
    public Scheduler Scheduler { get; }

    /// <summary>Steps run.</summary>
    public long NumSteps { get; private set; }

    /// <summary>Tokens computed over all steps (prefill chunks + decodes).</summary>
    public long NumComputedTokens { get; private set; }

    /// <summary>Time the last step spent on token masks: filling them (engine thread) plus applying them (runner).</summary>
    public TimeSpan LastStepMaskTime { get; private set; }

    /// <summary>Sequences whose sampled token was masked in the last step.</summary>
    public int LastStepMaskedSequences { get; private set; }

    /// <summary>True while any request is admitted or has an unreported result.</summary>
    public bool HasUnfinishedRequests => Scheduler.HasUnfinishedRequests;

    /// <summary>Checks a request against the engine's limits (<see cref="RequestValidator"/>) and admits it.</summary>
    /// <param name="arrivalTime">When the caller submitted it (queue time starts there); null = now.</param>
    /// <param name="streamed">Report its new text after every step (the deltas of <see cref="Step"/>).</param>
    /// <exception cref="RequestRejectedException">It can never run; <see cref="RequestRejectedException.Reason"/> says why.</exception>
    public void AddRequest(EngineRequest request, DateTimeOffset? arrivalTime = null, bool streamed = false)
    {
        RequestValidator.Validate(request, Config);
        Scheduler.Add(request, arrivalTime);
        _outputs.Add(request, streamed);
        _constraints.Add(request);
    }

    /// <summary>Ends a request and frees its blocks; null when it is not live.</summary>
    public EngineResult? AbortRequest(string requestId) =>
        Scheduler.Finish(requestId, FinishReason.Aborted) is { } finish ? Ended(_outputs.Complete(finish)) : null;

    /// <summary>Aborts every waiting request (not holding blocks), e.g. when the engine drains.</summary>
    public IReadOnlyList<EngineResult> AbortWaiting() => Scheduler.AbortWaiting().Select(f => Ended(_outputs.Complete(f))).ToArray();

    /// <summary>Aborts every admitted request.</summary>
    public IReadOnlyList<EngineResult> AbortAll() => Scheduler.AbortAll().Select(f => Ended(_outputs.Complete(f))).ToArray();

    /// <summary>One step: schedule, mask, execute, update (constraints advance), process outputs; returns the requests
    /// that ended.</summary>
    /// <param name="deltas">Receives the new text of the streamed requests that go on; null = none wanted.</param>
    public IReadOnlyList<EngineResult> Step(ICollection<EngineDelta>? deltas = null)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var schedule = Scheduler.Schedule();
        var masked = _constraints.Prepare(schedule, out var maskedRows, out var fillTime);
        var output = Execute(masked);
        var updates = _constraints.Advance(Scheduler.Update(schedule, output), FailConstraint);
        var finished = _outputs.Process(updates, StopOnString, deltas);
        foreach (var result in finished) _constraints.Remove(result.RequestId);
        var stepTime = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        RecordMasks(maskedRows, fillTime + output.MaskTime, stepTime);
        if (_logger.IsEnabled(LogLevel.Debug)) LogStepDebug(schedule, finished.Count, stepTime);
        return Record(schedule, finished);
    }

    /// <summary>Admits <paramref name="requests"/> and steps until all of them ended (benchmarks,
    /// tools). Results in the order of <paramref name="requests"/>.</summary>
    public IReadOnlyList<EngineResult> RunToCompletion(IEnumerable<EngineRequest> requests)
    {
        var ids = new List<string>();
        foreach (var r in requests)
        {
            AddRequest(r);
            ids.Add(r.RequestId);
        }
        var results = new Dictionary<string, EngineResult>(StringComparer.Ordinal);
        while (results.Count < ids.Count && HasUnfinishedRequests)
        {
            foreach (var result in Step()) results[result.RequestId] = result;
        }
        return ids.Select(id => results[id]).ToArray();
    }

    private ModelRunnerOutput Execute(SchedulerOutput schedule)
    {
        if (schedule.Requests.Count == 0) return NoOutput;
        try
        {
            return _runner.Execute(schedule);
        }
        catch (Exception ex)
        {
            // NOTE: a device-level failure ends only this step's requests; the loop goes on.
            var ids = string.Join(", ", schedule.Requests.Take(8).Select(r => r.RequestId)) + (schedule.Requests.Count > 8 ? ", ..." : "");
            LogStepFailed(ex, schedule.StepId, schedule.Requests.Count, schedule.TotalScheduledTokens, ids);
            var error = $"Engine step {schedule.StepId} failed ({ex.GetType().Name}: {ex.Message}); all {schedule.Requests.Count} requests of that step ended.";
            return new ModelRunnerOutput(schedule.Requests.Select(r => new RequestOutput(r.RequestId, null, null, error)).ToArray());
        }
    }

    private EngineResult Ended(EngineResult result)
    {
        _constraints.Remove(result.RequestId);
        return result;
    }

    private SequenceFinish FailConstraint(string requestId, string error) =>
        Scheduler.Finish(requestId, FinishReason.Error, error) ?? throw new InvalidOperationException($"Request '{requestId}' broke its output constraint but is not live.");

    private void RecordMasks(int maskedRows, TimeSpan maskTime, TimeSpan stepTime)
    {
        LastStepMaskedSequences = maskedRows;
        LastStepMaskTime = maskTime;
        if (maskedRows > 0) _metrics?.RecordMasks(maskedRows, maskTime, stepTime);
    }

    private SequenceFinish StopOnString(string requestId) =>
        Scheduler.Finish(requestId, FinishReason.Stop) ?? throw new InvalidOperationException($"Request '{requestId}' matched a stop string but is not live.");

    private IReadOnlyList<EngineResult> Record(SchedulerOutput schedule, IReadOnlyList<EngineResult> finished)
    {
        NumSteps++;
        NumComputedTokens += schedule.TotalScheduledTokens;
        _metrics?.RecordStep(schedule);
        return finished;
    }

    /// <summary>The step's timeline line (Debug; e.g. <c>--Logging:LogLevel:InternS1.Engine=Debug</c>): a decode is a
    /// sequence with output scheduled for one token, every other scheduled token is prefill (or recomputation).</summary>
    private void LogStepDebug(SchedulerOutput schedule, int numFinished, TimeSpan stepTime)
    {
        var decodes = 0;
        foreach (var r in schedule.Requests)
            if (r.OutputIndex > 0 && r.TokenIds.Count == 1) decodes++;
        LogStep(schedule.StepId, schedule.Requests.Count, decodes, schedule.TotalScheduledTokens - decodes, Scheduler.NumWaiting,
            numFinished, stepTime.TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Engine step {StepId}: {NumSequences} sequences, {NumDecodes} decodes + {NumPrefillTokens} prefill tokens, {NumWaiting} waiting, {NumFinished} finished, {Milliseconds:F1} ms")]
    private partial void LogStep(long stepId, int numSequences, int numDecodes, int numPrefillTokens, int numWaiting, int numFinished, double milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "KV cache: {NumBlocks} blocks x {BlockSize} tokens = {KvBytes} bytes ({KvBytesPerToken} per token); longest sequence {MaxSequenceLength} tokens")]
    private partial void LogKvCache(int numBlocks, int blockSize, long kvBytes, long kvBytesPerToken, int maxSequenceLength);

    [LoggerMessage(Level = LogLevel.Error, Message = "Engine step {StepId} failed: {NumRequests} requests, {NumTokens} tokens ({RequestIds}); those requests end with an error")]
    private partial void LogStepFailed(Exception exception, long stepId, int numRequests, int numTokens, string requestIds);
}
