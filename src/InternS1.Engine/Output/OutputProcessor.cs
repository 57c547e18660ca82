using InternS1.Engine.Requests;
using InternS1.Engine.Scheduling;

namespace InternS1.Engine.Output;

/// <summary>
/// The engine's step after the scheduler (vLLM v1's <c>OutputProcessor</c>): one incremental detokenizer
/// per request, fed each step's new token; the request's stop strings watched on that text; and the
/// <see cref="EngineResult"/> of every request that ended (text with special tokens kept, without a final
/// stop token, cut before a matched stop string). A stop string ends the request in the scheduler through
/// the callback given to <see cref="Process"/>. For a streamed request it also reports each step's new text as an
/// <see cref="EngineDelta"/> (nothing is computed for the others). Single-threaded: only the engine thread calls it.
/// </summary>
public sealed class OutputProcessor
{
    private readonly ITokenDecoder _decoder;
    private readonly Dictionary<string, RequestOutputState> _requests = new(StringComparer.Ordinal);

    /// <summary>An output processor whose requests decode with <paramref name="decoder"/>.</summary>
    public OutputProcessor(ITokenDecoder decoder) => _decoder = decoder ?? throw new ArgumentNullException(nameof(decoder));

    /// <summary>Requests with output state (admitted, not yet ended).</summary>
    public int NumRequests => _requests.Count;

    /// <summary>Starts the output state of an admitted request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="streamed">Report its new text after every step (<see cref="Process"/>'s deltas).</param>
    public void Add(EngineRequest request, bool streamed = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        _requests.Add(request.RequestId, new RequestOutputState(_decoder.CreateDetokenizer(), request.Sampling.StopStrings, streamed));
    }

    /// <summary>Applies one step's scheduler outputs, in order.</summary>
    /// <param name="outputs">What <see cref="Scheduler.Update"/> reported.</param>
    /// <param name="stop">Ends a running request whose stop string matched (in the scheduler, with
    /// <see cref="FinishReason.Stop"/>) and returns how it ended.</param>
    /// <param name="deltas">Receives the new text of streamed requests that got a token and go on (an ended request's
    /// remaining text is in its result); null = report none.</param>
    /// <returns>The results of the requests that ended.</returns>
    public IReadOnlyList<EngineResult> Process(IReadOnlyList<SequenceOutput> outputs, Func<string, SequenceFinish> stop,
        ICollection<EngineDelta>? deltas = null)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(stop);
        List<EngineResult>? results = null;
        foreach (var output in outputs)
        {
            var state = _requests[output.RequestId];
            var finish = output.Finish;
            string? stopString = null;
            // NOTE: a final stop token counts as a completion token but is not text (and cannot complete a stop string).
            if (output.NewTokenId is { } token && finish?.StoppedOnToken != true)
                stopString = state.Append(token);
            if (stopString is not null)
                finish ??= stop(output.RequestId);
            if (finish is not null)
                (results ??= []).Add(Complete(state, finish, stopString));
            else if (deltas is not null && state.Streamed && output.NewTokenId is not null)
                deltas.Add(new EngineDelta(output.RequestId, state.TakeDelta(), state.NumTokens));
        }
        return results ?? [];
    }

    /// <summary>The result of a request that ended outside a step (aborted, drained).</summary>
    public EngineResult Complete(SequenceFinish finish)
    {
        ArgumentNullException.ThrowIfNull(finish);
        // NOTE: tolerant on purpose: after a crashed step the engine aborts everything, state or not.
        var state = _requests.GetValueOrDefault(finish.RequestId) ?? new RequestOutputState(_decoder.CreateDetokenizer(), []);
        return Complete(state, finish, stopString: null);
    }

    private EngineResult Complete(RequestOutputState state, SequenceFinish finish, string? stopString)
    {
        _requests.Remove(finish.RequestId);
        return new EngineResult
        {
            RequestId = finish.RequestId,
            OutputTokenIds = finish.OutputTokenIds,
            OutputText = state.FinalText(),
            // A stop string that matched on the token that also reached MaxNewTokens is still a stop.
            FinishReason = stopString is null ? finish.Reason : FinishReason.Stop,
            StopString = stopString,
            NumPromptTokens = finish.NumPromptTokens,
            NumCachedTokens = finish.NumCachedTokens,
            NumPreemptions = finish.NumPreemptions,
            QueueTime = finish.QueueTime,
            PrefillTime = finish.PrefillTime,
            DecodeTime = finish.DecodeTime,
            Error = finish.Error,
        };
    }
}
