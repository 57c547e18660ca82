using InternS1.Engine.Execution;
using InternS1.Engine.KvCache;
using InternS1.Engine.Requests;

namespace InternS1.Engine.Scheduling;

/// <summary>
/// Continuous-batching scheduler (after vLLM v1's <c>Scheduler</c>). Each <see cref="Schedule"/>
/// builds one step under the budgets: running decodes first, then running prefills, then waiting
/// requests by priority and arrival, prefills chunked to the token budget and cut before media
/// runs past the encoder budget. When KV blocks run out, the lowest-priority, latest-arrived
/// running sequence is preempted (its blocks freed, recomputed later). Interactive requests
/// (<see cref="SchedulingClass.Interactive"/>) go first at each stage and preempt batch sequences to get a slot or
/// blocks (<c>Scheduler.Admission.cs</c>). <see cref="Update"/> applies
/// the runner's output: appends sampled tokens, registers full blocks in the prefix cache and
/// finishes sequences on token-level ends (a stop token, MaxNewTokens, the longest sequence); text and
/// stop strings are the <see cref="Output.OutputProcessor"/>'s. It trusts its requests: they are
/// checked at admission (<see cref="RequestValidator"/>). Single-threaded: only the engine thread calls it.
/// </summary>
public sealed partial class Scheduler
{
    private readonly Dictionary<string, EngineSequence> _live = new(StringComparer.Ordinal);
    private readonly SortedSet<EngineSequence> _waiting = new(WaitingOrder.Instance);
    private readonly List<EngineSequence> _running = [];
    private readonly List<string> _finishedIds = [];
    private readonly List<SequenceOutput> _endedWhileScheduling = [];
    private readonly TimeProvider _time;
    private long _nextArrival;
    private long _nextStep;
    private int _tokenBudget;
    private int _tileBudget;

    /// <summary>Creates a scheduler and its KV cache manager.</summary>
    public Scheduler(SchedulerConfig config, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _time = time ?? TimeProvider.System;
        KvCache = new KvCacheManager(config.NumBlocks, config.BlockSize, config.EnablePrefixCaching);
    }

    /// <summary>Budgets and model facts.</summary>
    public SchedulerConfig Config { get; }

    /// <summary>Block tables, pool and prefix cache.</summary>
    public KvCacheManager KvCache { get; }

    /// <summary>Sequences holding KV blocks.</summary>
    public int NumRunning => _running.Count;

    /// <summary>Admitted sequences without KV blocks (new or preempted).</summary>
    public int NumWaiting => _waiting.Count;

    /// <summary>Preemptions since the start.</summary>
    public long NumPreemptions { get; private set; }

    /// <summary>True while a request is admitted or a result is not yet returned by <see cref="Update"/>.</summary>
    public bool HasUnfinishedRequests => _live.Count > 0 || _endedWhileScheduling.Count > 0;

    /// <summary>True when <paramref name="requestId"/> is admitted and not finished.</summary>
    public bool Contains(string requestId) => _live.ContainsKey(requestId);

    /// <summary>Admits a request (already validated) to the waiting queue.</summary>
    /// <param name="request">The request.</param>
    /// <param name="arrivalTime">When the caller submitted it; null = now.</param>
    /// <exception cref="RequestRejectedException">Its id is already live.</exception>
    public void Add(EngineRequest request, DateTimeOffset? arrivalTime = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_live.ContainsKey(request.RequestId))
            throw new RequestRejectedException(RejectionReason.InvalidField, $"Request '{request.RequestId}' is already running in this engine.");
        var seq = new EngineSequence(request, _nextArrival++, arrivalTime ?? _time.GetUtcNow());
        _live.Add(seq.Id, seq);
        AddWaiting(seq);
    }

    /// <summary>Ends a request at once with <paramref name="reason"/> (an abort, a stop string the output
    /// processor found, a broken output constraint with its <paramref name="error"/>) and frees its blocks.</summary>
    /// <returns>How it ended, or null when it is not live.</returns>
    public SequenceFinish? Finish(string requestId, FinishReason reason, string? error = null) =>
        _live.TryGetValue(requestId, out var seq) ? Finish(seq, reason, error: error) : null;

    /// <summary>Aborts every waiting request (not holding blocks), e.g. when the engine drains.</summary>
    public IReadOnlyList<SequenceFinish> AbortWaiting() =>
        _waiting.ToList().Select(s => Finish(s, FinishReason.Aborted)).ToArray();

    /// <summary>Aborts every live request.</summary>
    public IReadOnlyList<SequenceFinish> AbortAll() =>
        _live.Values.ToList().Select(s => Finish(s, FinishReason.Aborted)).ToArray();

    /// <summary>Chooses the work of the next step.</summary>
    public SchedulerOutput Schedule()
    {
        var now = _time.GetUtcNow();
        foreach (var late in _live.Values.Where(s => s.Request.Deadline <= now).ToList())
            _endedWhileScheduling.Add(new SequenceOutput(late.Id, null, Finish(late, FinishReason.Deadline)));

        _tokenBudget = Config.MaxNumBatchedTokens;
        _tileBudget = Config.MaxEncoderTilesPerStep;
        var plans = new List<ChunkPlan>();

        // 1. Running sequences: decodes first, then interactive prefills already under way.
        var preempted = ScheduleRunning(_running.Where(s => s.NumRemainingTokens == 1).ToList(), plans);
        preempted |= ScheduleRunning(_running.Where(s => s.IsInteractive && s.NumRemainingTokens > 1).ToList(), plans);

        // 2. Waiting interactive requests, preempting batch sequences for slots or KV blocks.
        DeferredForPrefix = 0;
        preempted |= AdmitWaiting(interactive: true, plans, now);

        // 3. Batch prefills already under way.
        preempted |= ScheduleRunning(_running.Where(s => !s.IsInteractive && s.NumRemainingTokens > 1).ToList(), plans);

        // 4. Waiting batch requests by priority then arrival; none while this step had to preempt.
        if (!preempted) AdmitWaiting(interactive: false, plans, now);

        return BuildOutput(plans);
    }

    /// <summary>Plans a chunk for each of <paramref name="sequences"/> (running ones, in order) while the token
    /// budget lasts; when KV blocks run out, preempts the lowest running sequence (<see cref="WaitingOrder.Victim"/>),
    /// possibly the one being planned. True when it preempted.</summary>
    private bool ScheduleRunning(List<EngineSequence> sequences, List<ChunkPlan> plans)
    {
        var preempted = false;
        foreach (var seq in sequences)
        {
            if (_tokenBudget == 0) break;
            if (seq.Status != SequenceStatus.Running) continue; // preempted earlier in this step
            var plan = FitChunk(seq, seq.NumComputedTokens);
            if (plan is null) continue;
            while (!KvCache.AllocateSlots(seq.Id, seq.NumComputedTokens, plan.NumNewTokens))
            {
                var victim = WaitingOrder.Victim(_running)!;
                Preempt(victim, plans);
                preempted = true;
                if (victim == seq) { plan = null; break; }
            }
            if (plan is not null) Take(plan, plans);
        }
        return preempted;
    }

    /// <summary>Waiting sequences that the last <see cref="Schedule"/> held back because a running
    /// sequence was computing their next prefix block.</summary>
    public int DeferredForPrefix { get; private set; }

    /// <summary>Hashes of the full blocks that running sequences hold but have not computed yet:
    /// they enter the prefix cache within the next steps.</summary>
    private HashSet<BlockHash> InFlightBlocks()
    {
        var set = new HashSet<BlockHash>();
        foreach (var seq in _running)
        {
            var hashes = seq.BlockHashes(Config.BlockSize);
            for (var i = seq.NumComputedTokens / Config.BlockSize; i < hashes.Count; i++) set.Add(hashes[i]);
        }
        return set;
    }

    /// <summary>Applies the runner's results of <paramref name="schedule"/>.</summary>
    /// <returns>The requests that got a token or ended since the last call (deadlines found by
    /// <see cref="Schedule"/> first), in that order.</returns>
    public IReadOnlyList<SequenceOutput> Update(SchedulerOutput schedule, ModelRunnerOutput output)
    {
        var now = _time.GetUtcNow();
        var byId = new Dictionary<string, RequestOutput>(StringComparer.Ordinal);
        foreach (var o in output.Outputs) byId[o.RequestId] = o;
        var outputs = new List<SequenceOutput>(_endedWhileScheduling.Count + schedule.Requests.Count);
        outputs.AddRange(_endedWhileScheduling);
        _endedWhileScheduling.Clear();

        foreach (var sr in schedule.Requests)
        {
            if (!_live.TryGetValue(sr.RequestId, out var seq) || seq.Status != SequenceStatus.Running) continue;
            if (!byId.TryGetValue(sr.RequestId, out var o))
            {
                outputs.Add(Failed(seq, $"The model runner returned no output for request '{seq.Id}' in step {schedule.StepId}."));
                continue;
            }
            if (o.Error is not null)
            {
                outputs.Add(Failed(seq, o.Error));
                continue;
            }

            seq.NumComputedTokens += sr.TokenIds.Count;
            KvCache.CacheFullBlocks(seq.Id, seq.BlockHashes(Config.BlockSize), seq.NumComputedTokens);
            if (!sr.Sample) continue;
            if (o.SampledTokenId is not { } token || (uint)token >= (uint)Config.VocabSize)
            {
                outputs.Add(Failed(seq, $"The model runner sampled {o.SampledTokenId?.ToString() ?? "no token"} for request '{seq.Id}' in step {schedule.StepId}; expected an id in [0, {Config.VocabSize})."));
                continue;
            }
            seq.AppendToken(token);
            seq.FirstTokenTime ??= now;
            outputs.Add(new SequenceOutput(seq.Id, token, CheckTokenStop(seq)));
        }
        return outputs;
    }

    /// <summary>Ends <paramref name="seq"/> when its newest token is a stop token (unless IgnoreEos), or it
    /// reached MaxNewTokens or the longest sequence that can run (vLLM's <c>check_stop</c>); else null.</summary>
    private SequenceFinish? CheckTokenStop(EngineSequence seq)
    {
        var s = seq.Request.Sampling;
        if (!s.IgnoreEos && s.StopTokenIds.Contains(seq.AllTokens[^1])) return Finish(seq, FinishReason.Stop, stoppedOnToken: true);
        if (seq.NumOutputTokens >= s.MaxNewTokens || seq.NumTokens >= Config.MaxSequenceLength) return Finish(seq, FinishReason.Length);
        return null;
    }

    private SequenceOutput Failed(EngineSequence seq, string error) => new(seq.Id, null, Finish(seq, FinishReason.Error, error: error));

    /// <summary>The longest chunk of <paramref name="seq"/> from <paramref name="start"/> that fits the
    /// remaining token and encoder budgets, or null when nothing fits this step.</summary>
    private ChunkPlan? FitChunk(EngineSequence seq, int start)
    {
        var numNew = Math.Min(seq.NumTokens - start, _tokenBudget);
        var tiles = 0;
        var media = new List<int>();
        for (var i = 0; i < seq.MediaByOffset.Count && numNew > 0; i++)
        {
            var m = seq.MediaByOffset[i];
            if (!m.Overlaps(start, numNew) || seq.EncodedMedia.Contains(i)) continue;
            // NOTE: a run larger than the whole budget may go alone in an otherwise encoder-free step,
            // else it could never run.
            var alone = tiles == 0 && _tileBudget == Config.MaxEncoderTilesPerStep;
            if (tiles + m.NumTiles > _tileBudget && !alone)
            {
                numNew = Math.Max(0, m.Offset - start);
                break;
            }
            tiles += m.NumTiles;
            media.Add(i);
        }
        return numNew > 0 ? new ChunkPlan(seq, numNew, tiles, media) : null;
    }

    private void Take(ChunkPlan plan, List<ChunkPlan> plans)
    {
        plans.Add(plan);
        _tokenBudget -= plan.NumNewTokens;
        _tileBudget = Math.Max(0, _tileBudget - plan.NumTiles);
        plan.Sequence.EncodedMedia.UnionWith(plan.MediaIndexes);
    }

    private void Preempt(EngineSequence victim, List<ChunkPlan> plans)
    {
        var index = plans.FindIndex(p => p.Sequence == victim);
        if (index >= 0)
        {
            _tokenBudget += plans[index].NumNewTokens;
            _tileBudget += plans[index].NumTiles;
            plans.RemoveAt(index);
        }
        KvCache.Free(victim.Id);
        Leave(victim);
        victim.Status = SequenceStatus.Waiting;
        victim.NumComputedTokens = 0;
        victim.EncodedMedia.Clear();
        victim.NumPreemptions++;
        NumPreemptions++;
        AddWaiting(victim);
    }

    private SchedulerOutput BuildOutput(List<ChunkPlan> plans)
    {
        var requests = plans.Select(p =>
        {
            var seq = p.Sequence;
            var start = seq.NumComputedTokens;
            var tokens = new int[p.NumNewTokens];
            for (var i = 0; i < tokens.Length; i++) tokens[i] = seq.AllTokens[start + i];
            return new ScheduledRequest
            {
                RequestId = seq.Id,
                TokenIds = tokens,
                StartPosition = start,
                BlockTable = KvCache.GetBlockIds(seq.Id),
                Sample = start + p.NumNewTokens == seq.NumTokens,
                Sampling = seq.Request.Sampling,
                OutputIndex = seq.NumOutputTokens,
                MultimodalInputs = seq.MediaByOffset.Where(m => m.Overlaps(start, p.NumNewTokens)).ToArray(),
            };
        }).ToArray();
        // NOTE: finished ids ride on the next step that runs, so the runner never sees an empty batch.
        string[] finished = [];
        if (requests.Length > 0)
        {
            finished = _finishedIds.ToArray();
            _finishedIds.Clear();
        }
        return new SchedulerOutput(_nextStep++, requests, finished);
    }

    private SequenceFinish Finish(EngineSequence seq, FinishReason reason, bool stoppedOnToken = false, string? error = null)
    {
        var wasScheduled = seq.FirstScheduledTime is not null;
        Leave(seq);
        KvCache.Free(seq.Id);
        seq.Status = SequenceStatus.Finished;
        _live.Remove(seq.Id);
        if (wasScheduled) _finishedIds.Add(seq.Id);

        var now = _time.GetUtcNow();
        var started = seq.FirstScheduledTime ?? now;
        var firstToken = seq.FirstTokenTime ?? now;
        return new SequenceFinish
        {
            RequestId = seq.Id,
            Reason = reason,
            StoppedOnToken = stoppedOnToken,
            OutputTokenIds = seq.OutputTokens.ToArray(),
            NumPromptTokens = seq.NumPromptTokens,
            NumCachedTokens = seq.NumCachedTokens,
            NumPreemptions = seq.NumPreemptions,
            QueueTime = started - seq.ArrivalTime,
            PrefillTime = firstToken - started,
            DecodeTime = seq.FirstTokenTime is null ? TimeSpan.Zero : now - firstToken,
            Error = error,
        };
    }
}
