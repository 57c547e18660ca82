using InternS1.Engine.KvCache;

namespace InternS1.Engine.Scheduling;

/// <summary>Admission of waiting sequences into the step being built, by class: interactive ones first, which may
/// preempt batch sequences for a sequence slot or KV blocks, then batch ones within their share of the slots.</summary>
public sealed partial class Scheduler
{
    private int _numRunningInteractive;
    private int _numWaitingInteractive;

    /// <summary>Running sequences of interactive requests (safe to read from any thread; may lag one step).</summary>
    public int NumRunningInteractive => Volatile.Read(ref _numRunningInteractive);

    /// <summary>Waiting sequences of interactive requests (safe to read from any thread; may lag one step).</summary>
    public int NumWaitingInteractive => Volatile.Read(ref _numWaitingInteractive);

    /// <summary>Admits waiting sequences of one class (interactive or batch) in <see cref="WaitingOrder"/> while the
    /// budgets allow. Interactive ones preempt batch sequences when no slot or too few KV blocks are left, and never
    /// wait for a prefix block a batch sequence is computing. Batch ones take at most
    /// <see cref="SchedulerConfig.MaxNumBatchSeqs"/> slots and wait for a prefix block a running sequence is
    /// computing (vLLM would compute the shared prefix again for every job admitted before it is cached).</summary>
    /// <returns>True when it preempted.</returns>
    private bool AdmitWaiting(bool interactive, List<ChunkPlan> plans, DateTimeOffset now)
    {
        var preempted = false;
        var inFlight = !interactive && Config.EnablePrefixCaching && _waiting.Count > 0 ? InFlightBlocks() : null;
        var deferred = new List<EngineSequence>();
        while (_waiting.Count > 0 && _tokenBudget > 0)
        {
            var seq = _waiting.Min!;
            // Interactive sequences sort first: the first batch one ends the interactive pass.
            if (seq.IsInteractive != interactive) break;
            if (!HasSlot(interactive))
            {
                if (interactive && PreemptBatch(plans)) { preempted = true; continue; }
                break;
            }
            var hashes = seq.BlockHashes(Config.BlockSize);
            var prefix = KvCache.FindCachedPrefix(hashes, seq.NumTokens);
            if (inFlight is not null && prefix.Count < (seq.NumTokens - 1) / Config.BlockSize && inFlight.Contains(hashes[prefix.Count]))
            {
                _waiting.Remove(seq);
                deferred.Add(seq);
                continue;
            }
            var numCached = prefix.Count * Config.BlockSize;
            var plan = FitChunk(seq, numCached);
            if (plan is null) break;
            if (!KvCache.AllocateSlots(seq.Id, numCached, plan.NumNewTokens, prefix))
            {
                // NOTE: retried from the prefix lookup: the victim's freed blocks may change what is cached and free.
                if (interactive && PreemptBatch(plans)) { preempted = true; continue; }
                break;
            }
            inFlight?.UnionWith(hashes.Skip(prefix.Count));
            KvCache.RecordPrefixLookup(seq.NumTokens, numCached);
            ToRunning(seq);
            seq.NumComputedTokens = numCached;
            if (seq.NumPreemptions == 0) seq.NumCachedTokens = numCached;
            seq.FirstScheduledTime ??= now;
            Take(plan, plans);
        }
        foreach (var seq in deferred) _waiting.Add(seq);
        DeferredForPrefix += deferred.Count;
        return preempted;
    }

    /// <summary>True when a sequence of the class may take a slot now: interactive ones any of MaxNumSeqs,
    /// batch ones only below <see cref="SchedulerConfig.MaxNumBatchSeqs"/>.</summary>
    private bool HasSlot(bool interactive) =>
        _running.Count < Config.MaxNumSeqs && (interactive || _running.Count - _numRunningInteractive < Config.MaxNumBatchSeqs);

    /// <summary>Preempts the lowest running batch sequence; false when none runs.</summary>
    private bool PreemptBatch(List<ChunkPlan> plans)
    {
        if (WaitingOrder.Victim(_running.Where(s => !s.IsInteractive)) is not { } victim) return false;
        Preempt(victim, plans);
        return true;
    }

    private void AddWaiting(EngineSequence seq)
    {
        _waiting.Add(seq);
        if (seq.IsInteractive) Interlocked.Increment(ref _numWaitingInteractive);
    }

    private void ToRunning(EngineSequence seq)
    {
        _waiting.Remove(seq);
        _running.Add(seq);
        seq.Status = SequenceStatus.Running;
        if (!seq.IsInteractive) return;
        Interlocked.Decrement(ref _numWaitingInteractive);
        Interlocked.Increment(ref _numRunningInteractive);
    }

    /// <summary>Takes <paramref name="seq"/> out of the running or waiting set (for preemption or its end).</summary>
    private void Leave(EngineSequence seq)
    {
        if (seq.Status == SequenceStatus.Running)
        {
            _running.Remove(seq);
            if (seq.IsInteractive) Interlocked.Decrement(ref _numRunningInteractive);
        }
        else if (seq.Status == SequenceStatus.Waiting)
        {
            _waiting.Remove(seq);
            if (seq.IsInteractive) Interlocked.Decrement(ref _numWaitingInteractive);
        }
    }
}
