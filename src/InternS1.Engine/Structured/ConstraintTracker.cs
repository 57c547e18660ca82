using System.Diagnostics;
using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using InternS1.Engine.Scheduling;

namespace InternS1.Engine.Structured;

/// <summary>
/// The engine's step for constrained requests, around the runner: before <c>Execute</c>, the token mask of every
/// constrained sequence that samples (<see cref="Prepare"/>, on <see cref="ScheduledRequest.TokenMask"/>); after
/// <c>Update</c>, each new token advances its sequence's state (<see cref="Advance"/>). Unconstrained requests are
/// never looked at: with none admitted a step costs one count check. Engine thread only.
/// </summary>
internal sealed class ConstraintTracker(int vocabSize)
{
    /// <summary>From this many masks per step they are filled in parallel (each sequence has its own matcher and buffer).</summary>
    private const int ParallelFrom = 8;

    private readonly Dictionary<string, SequenceConstraint> _states = new(StringComparer.Ordinal);

    /// <summary>Constrained requests admitted and not ended.</summary>
    public int Count => _states.Count;

    /// <summary>Starts the state of <paramref name="request"/> when it has a constraint.</summary>
    public void Add(EngineRequest request)
    {
        if (request.Constraint is { } constraint)
            _states.Add(request.RequestId, new SequenceConstraint(constraint, request.Sampling.StopTokenIds, vocabSize));
    }

    /// <summary>Drops the state of a request that ended.</summary>
    public void Remove(string requestId) => _states.Remove(requestId);

    /// <summary><paramref name="schedule"/> with the token masks of its constrained sampling rows (the same object when
    /// there are none); <paramref name="masked"/> rows got one, in <paramref name="fillTime"/>.</summary>
    public SchedulerOutput Prepare(SchedulerOutput schedule, out int masked, out TimeSpan fillTime)
    {
        masked = 0;
        fillTime = TimeSpan.Zero;
        if (_states.Count == 0) return schedule;
        List<(int Row, SequenceConstraint State)>? rows = null;
        for (var i = 0; i < schedule.Requests.Count; i++)
        {
            var r = schedule.Requests[i];
            if (r.Sample && _states.TryGetValue(r.RequestId, out var state)) (rows ??= []).Add((i, state));
        }
        if (rows is null) return schedule;

        var start = Stopwatch.GetTimestamp();
        var masks = new ulong[]?[rows.Count];
        if (rows.Count >= ParallelFrom) Parallel.For(0, rows.Count, k => masks[k] = rows[k].State.NextMask());
        else for (var k = 0; k < rows.Count; k++) masks[k] = rows[k].State.NextMask();
        fillTime = Stopwatch.GetElapsedTime(start);

        var requests = schedule.Requests.ToArray();
        for (var k = 0; k < rows.Count; k++)
        {
            if (masks[k] is not { } mask) continue;
            requests[rows[k].Row] = requests[rows[k].Row] with { TokenMask = mask };
            masked++;
        }
        return masked == 0 ? schedule : schedule with { Requests = requests };
    }

    /// <summary>Advances each constrained request by its new token. A token its mask did not allow (a runner that
    /// ignores masks) ends the request with an error naming it: the output can no longer be trusted.</summary>
    /// <param name="outputs">What the scheduler reported this step.</param>
    /// <param name="fail">Ends a running request with an error (in the scheduler) and returns how it ended.</param>
    public IReadOnlyList<SequenceOutput> Advance(IReadOnlyList<SequenceOutput> outputs, Func<string, string, SequenceFinish> fail)
    {
        if (_states.Count == 0) return outputs;
        SequenceOutput[]? changed = null;
        for (var i = 0; i < outputs.Count; i++)
        {
            var o = outputs[i];
            if (o.NewTokenId is not { } token || !_states.TryGetValue(o.RequestId, out var state) || state.Advance(token)) continue;
            var error = $"Request '{o.RequestId}': the model runner sampled token {token}, which the output constraint did not allow ({state.Describe()}).";
            var finish = o.Finish is { } ended ? ended with { Reason = FinishReason.Error, StoppedOnToken = false, Error = error } : fail(o.RequestId, error);
            changed ??= outputs.ToArray();
            changed[i] = o with { Finish = finish };
        }
        return changed ?? outputs;
    }
}
