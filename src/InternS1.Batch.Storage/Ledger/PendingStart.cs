namespace InternS1.Batch.Storage.Ledger;

/// <summary>One start waiting in <see cref="JobBeginGroups"/> for its group: answered once (a start or a fault), or
/// abandoned by a caller whose delivery was cancelled first. Thread-safe.</summary>
internal sealed class PendingStart(JobAdmission job)
{
    private const int Waiting = 0, Answered = 1, Abandoned = 2;

    private readonly TaskCompletionSource<JobStart> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _state;
    private bool _startedForAbandoned;

    public JobAdmission Job { get; } = job;

    /// <summary>True when the caller gave up before the answer and the answer started the job (its owner should be released).</summary>
    public bool AbandonedAfterStart => Volatile.Read(ref _startedForAbandoned);

    public void Deliver(JobStart start)
    {
        if (Interlocked.CompareExchange(ref _state, Answered, Waiting) == Abandoned)
        {
            Volatile.Write(ref _startedForAbandoned, start.Kind == JobStartKind.Started);
            return;
        }
        _answer.TrySetResult(start);
    }

    public void Fail(Exception fault)
    {
        Interlocked.CompareExchange(ref _state, Answered, Waiting);
        _answer.TrySetException(fault);
    }

    /// <summary>The answer; a cancelled caller gets <see cref="OperationCanceledException"/> unless the answer came first.</summary>
    public async Task<JobStart> WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (Interlocked.CompareExchange(ref _state, Abandoned, Waiting) == Waiting)
                throw;
            // Answered meanwhile: the answer stands (the start may already be committed).
            return await _answer.Task.ConfigureAwait(false);
        }
    }
}
