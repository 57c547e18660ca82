using System.Threading.Channels;
using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InternS1.Engine.Core;

/// <summary>
/// The engine as a service: one dedicated thread owns the <see cref="EngineCore"/> (and so the
/// device) and steps it while work exists; any thread submits through a channel and awaits its
/// own request's task (and, streamed, reads its deltas). Cancelling a request's token aborts it and frees its blocks. Shut down with
/// <see cref="DrainAsync"/> (stop admitting, let running requests finish, abort the rest) and dispose.
/// </summary>
public sealed partial class EngineLoop : IGenerationEngine, IDisposable, IAsyncDisposable
{
    private readonly EngineCore _core;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    // NOTE: synchronous continuations, so a submit wakes the idle engine thread (blocked on WaitToReadAsync) on the
    // submitting thread; with the default the wake-up is a thread-pool work item, queued behind whatever the pool is
    // doing (a worker that received a burst of jobs is preparing the rest of them), and the engine idled until the
    // pool drained: a burst of 64 jobs reached the first step only after the last one was prepared.
    private readonly Channel<Command> _commands = Channel.CreateUnbounded<Command>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly List<EngineDelta> _stepDeltas = [];
    private int _numStreamed;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _startLock = new();
    private Thread? _thread;
    private volatile bool _draining;
    private bool _disposed;
    private DrainState? _drain;

    /// <summary>Wraps <paramref name="core"/>; call <see cref="Start"/> to begin stepping.</summary>
    public EngineLoop(EngineCore core, ILogger<EngineLoop>? logger = null, TimeProvider? timeProvider = null)
    {
        _core = core ?? throw new ArgumentNullException(nameof(core));
        _logger = logger ?? NullLogger<EngineLoop>.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public ModelRunnerInfo Model => _core.Model;

    /// <summary>The wrapped core. Touch it only from the loop's thread or before <see cref="Start"/>.</summary>
    public EngineCore Core => _core;

    /// <summary>True once <see cref="DrainAsync"/> was called: new requests end at once as Aborted.</summary>
    public bool IsDraining => _draining;

    /// <summary>Starts the engine thread (idempotent).</summary>
    public void Start()
    {
        lock (_startLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_thread is not null) return;
            _thread = new Thread(Run) { IsBackground = true, Name = "interns1-engine" };
            _thread.Start();
        }
    }

    /// <inheritdoc />
    public Task<EngineResult> GenerateAsync(EngineRequest request, CancellationToken cancellationToken = default) =>
        Submit(request, null, cancellationToken);

    /// <inheritdoc />
    public Task<EngineResult> GenerateStreamingAsync(EngineRequest request, ChannelWriter<EngineDelta> deltas, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        return Submit(request, deltas, cancellationToken);
    }

    private Task<EngineResult> Submit(EngineRequest request, ChannelWriter<EngineDelta>? deltas, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_disposed) return Task.FromException<EngineResult>(new ObjectDisposedException(nameof(EngineLoop)));
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<EngineResult>(cancellationToken);
        if (_draining) return Task.FromResult(AbortedBeforeStart(request));

        var pending = new Pending(request, _time.GetUtcNow(), cancellationToken, deltas);
        if (cancellationToken.CanBeCanceled)
            pending.Registration = cancellationToken.Register(() => _commands.Writer.TryWrite(new Command.Cancel(pending)));
        if (!_commands.Writer.TryWrite(new Command.Submit(pending)))
            return Task.FromException<EngineResult>(new ObjectDisposedException(nameof(EngineLoop)));
        return pending.Completion.Task;
    }

    /// <summary>Stops admitting (new and not yet started requests end as Aborted), lets running
    /// requests finish for up to <paramref name="timeout"/>, then aborts the rest.</summary>
    /// <returns>Completes when no request is left.</returns>
    public Task DrainAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        _draining = true;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_commands.Writer.TryWrite(new Command.Drain(_time.GetUtcNow() + timeout, done))) return _exited.Task;
        lock (_startLock)
        {
            if (_thread is null) RunCommandsInline();
        }
        return Task.WhenAny(done.Task, _exited.Task).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        lock (_startLock)
        {
            if (_disposed) return;
            _disposed = true;
        }
        await DrainAsync(TimeSpan.Zero).ConfigureAwait(false);
        _commands.Writer.TryComplete();
        if (_thread is not null) await _exited.Task.ConfigureAwait(false);
    }

    private void Run()
    {
        try
        {
            while (true)
            {
                // 1. Commands (block only when there is nothing to step).
                if (!_core.HasUnfinishedRequests && !_commands.Reader.TryPeek(out _))
                {
                    if (!_commands.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult()) break;
                }
                while (_commands.Reader.TryRead(out var command)) Handle(command);

                // 2. Drain: past its deadline abort what is left.
                if (_drain is { } drain && _time.GetUtcNow() >= drain.Deadline) Complete(_core.AbortAll());

                // 3. One engine step.
                if (_core.HasUnfinishedRequests) StepOnce();

                // 4. A drain is done when nothing is left (checked before the loop may block again).
                if (_drain is not null && !_core.HasUnfinishedRequests) CompleteDrain();
            }
        }
        catch (Exception ex)
        {
            LogLoopFailed(ex);
            foreach (var p in _pending.Values) p.Completion.TrySetException(ex);
            _pending.Clear();
            _numStreamed = 0;
        }
        finally
        {
            CompleteDrain();
            _exited.TrySetResult();
        }
    }

    private void StepOnce()
    {
        IReadOnlyList<EngineResult> results;
        _stepDeltas.Clear();
        try
        {
            // NOTE: deltas are collected only while a streamed request is pending: the batch path computes none.
            results = _core.Step(_numStreamed > 0 ? _stepDeltas : null);
        }
        catch (Exception ex)
        {
            // NOTE: a fault in the scheduler itself (a bug) must not leave callers waiting forever.
            LogStepCrashed(ex, _pending.Count);
            foreach (var p in _pending.Values) p.Completion.TrySetException(ex);
            _pending.Clear();
            _core.AbortAll();
            _numStreamed = 0;
            return;
        }
        // Deltas first: a request's last delta is written before its task completes.
        foreach (var delta in _stepDeltas)
        {
            if (_pending.TryGetValue(delta.RequestId, out var p)) p.Deltas?.TryWrite(delta);
        }
        Complete(results);
    }

    private void Handle(Command command)
    {
        switch (command)
        {
            case Command.Submit { Pending: var p }:
                if (p.CancellationToken.IsCancellationRequested)
                {
                    Cancel(p, abort: false);
                }
                else if (_drain is not null)
                {
                    p.Registration.Dispose();
                    p.Completion.TrySetResult(AbortedBeforeStart(p.Request));
                }
                else
                {
                    try
                    {
                        _core.AddRequest(p.Request, p.ArrivalTime, streamed: p.Deltas is not null);
                        _pending[p.Request.RequestId] = p;
                        if (p.Deltas is not null) _numStreamed++;
                    }
                    catch (RequestRejectedException ex)
                    {
                        p.Registration.Dispose();
                        p.Completion.TrySetException(ex);
                    }
                }
                break;
            case Command.Cancel { Pending: var p }:
                if (_pending.TryGetValue(p.Request.RequestId, out var live) && ReferenceEquals(live, p)) Cancel(p, abort: true);
                break;
            case Command.Drain d:
                _drain ??= new DrainState(d.Deadline, []);
                _drain.Waiters.Add(d.Done);
                Complete(_core.AbortWaiting());
                break;
        }
    }

    private void Cancel(Pending p, bool abort)
    {
        if (abort)
        {
            Forget(p);
            _core.AbortRequest(p.Request.RequestId);
        }
        p.Registration.Dispose();
        p.Completion.TrySetCanceled(p.CancellationToken);
    }

    private void Complete(IReadOnlyList<EngineResult> results)
    {
        foreach (var result in results)
        {
            if (!_pending.TryGetValue(result.RequestId, out var p)) continue;
            Forget(p);
            p.Registration.Dispose();
            p.Completion.TrySetResult(result);
        }
    }

    private void Forget(Pending p)
    {
        if (_pending.Remove(p.Request.RequestId) && p.Deltas is not null) _numStreamed--;
    }

    private void CompleteDrain()
    {
        if (_drain is null) return;
        foreach (var waiter in _drain.Waiters) waiter.TrySetResult();
        _drain.Waiters.Clear();
    }

    private void RunCommandsInline()
    {
        // The thread never started: nothing runs, so every submitted request ends as Aborted.
        while (_commands.Reader.TryRead(out var command)) Handle(command);
        CompleteDrain();
    }

    private static EngineResult AbortedBeforeStart(EngineRequest request) => new()
    {
        RequestId = request.RequestId,
        OutputTokenIds = [],
        OutputText = string.Empty,
        FinishReason = FinishReason.Aborted,
        NumPromptTokens = request.PromptTokenIds.Count,
    };

    [LoggerMessage(Level = LogLevel.Critical, Message = "Engine step crashed; {NumPending} pending requests failed")]
    private partial void LogStepCrashed(Exception exception, int numPending);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Engine loop stopped by an unexpected error")]
    private partial void LogLoopFailed(Exception exception);

    private sealed class Pending(EngineRequest request, DateTimeOffset arrivalTime, CancellationToken cancellationToken,
        ChannelWriter<EngineDelta>? deltas)
    {
        public ChannelWriter<EngineDelta>? Deltas { get; } = deltas;
        public EngineRequest Request { get; } = request;
        public DateTimeOffset ArrivalTime { get; } = arrivalTime;
        public CancellationToken CancellationToken { get; } = cancellationToken;
        public CancellationTokenRegistration Registration { get; set; }
        public TaskCompletionSource<EngineResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record DrainState(DateTimeOffset Deadline, List<TaskCompletionSource> Waiters);

    private abstract record Command
    {
        public sealed record Submit(Pending Pending) : Command;
        public sealed record Cancel(Pending Pending) : Command;
        public sealed record Drain(DateTimeOffset Deadline, TaskCompletionSource Done) : Command;
    }
}
