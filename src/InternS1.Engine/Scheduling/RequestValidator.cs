using InternS1.Engine.Requests;

namespace InternS1.Engine.Scheduling;

/// <summary>Checks a request against the engine's limits when it is admitted (<see cref="Core.EngineCore.AddRequest"/>,
/// the one admission point), so nothing that can never run reaches the model: the scheduler and the
/// runner trust what was admitted. Pure: safe from any thread.</summary>
public static class RequestValidator
{
    /// <summary>Throws <see cref="RequestRejectedException"/> naming the field and the problem.</summary>
    public static void Validate(EngineRequest request, SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(request.RequestId))
            throw Invalid("RequestId is empty.");
        var id = request.RequestId;
        var prompt = request.PromptTokenIds;
        if (prompt is null || prompt.Count == 0)
            throw Invalid($"Request '{id}': PromptTokenIds is empty.");
        for (var i = 0; i < prompt.Count; i++)
        {
            if ((uint)prompt[i] >= (uint)config.VocabSize)
                throw Invalid($"Request '{id}': PromptTokenIds[{i}] = {prompt[i]} is outside the vocabulary [0, {config.VocabSize}).");
        }

        if (prompt.Count + 1 > config.MaxSequenceLength)
        {
            throw new RequestRejectedException(RejectionReason.PromptTooLong,
                $"Request '{id}': the prompt has {prompt.Count} tokens, but at most {config.MaxSequenceLength - 1} can run " +
                $"(the model context is {config.MaxModelLength} tokens and the KV cache holds {config.KvCapacityTokens} " +
                $"= {config.NumBlocks} blocks x {config.BlockSize}; one slot is kept for the first generated token).");
        }

        var s = request.Sampling ?? throw Invalid($"Request '{id}': Sampling is missing.");
        if (s.MaxNewTokens < 1) throw Sampling(id, $"MaxNewTokens ({s.MaxNewTokens}) must be >= 1.");
        if (!(s.Temperature >= 0f) || float.IsInfinity(s.Temperature)) throw Sampling(id, $"Temperature ({s.Temperature}) must be a finite number >= 0.");
        if (!(s.TopP > 0f && s.TopP <= 1f)) throw Sampling(id, $"TopP ({s.TopP}) must be in (0, 1].");
        if (s.TopK < 0) throw Sampling(id, $"TopK ({s.TopK}) must be >= 0.");
        if (!(s.MinP >= 0f && s.MinP <= 1f)) throw Sampling(id, $"MinP ({s.MinP}) must be in [0, 1].");
        if (s.StopStrings.Any(string.IsNullOrEmpty)) throw Sampling(id, "StopStrings contains an empty string.");

        if (request.Constraint is { } c) ValidateConstraint(id, c, s, config);

        var previousEnd = 0;
        foreach (var (m, i) in request.MultimodalInputs.OrderBy(m => m.Offset).Select((m, i) => (m, i)))
        {
            if (m.Offset < previousEnd || m.Length < 1 || m.Offset + m.Length > prompt.Count)
                throw Invalid($"Request '{id}': media run {i} (Offset {m.Offset}, Length {m.Length}) must lie inside the " +
                              $"prompt of {prompt.Count} tokens without overlapping another run.");
            if (m.NumTiles < 1) throw Invalid($"Request '{id}': media run {i} has NumTiles {m.NumTiles}; expected >= 1.");
            if (string.IsNullOrEmpty(m.ContentHash)) throw Invalid($"Request '{id}': media run {i} has no ContentHash.");
            previousEnd = m.Offset + m.Length;
        }
    }

    private static void ValidateConstraint(string id, OutputConstraint c, SamplingParams s, SchedulerConfig config)
    {
        if (c.ReasoningEndTokenId is { } end && (uint)end >= (uint)config.VocabSize)
            throw Invalid($"Request '{id}': Constraint.ReasoningEndTokenId = {end} is outside the vocabulary [0, {config.VocabSize}).");
        if (c.MaxReasoningTokens is { } budget)
        {
            if (c.ReasoningEndTokenId is null)
                throw Invalid($"Request '{id}': Constraint.MaxReasoningTokens is set without a ReasoningEndTokenId (there is no reasoning to bound).");
            if (budget < 1) throw Invalid($"Request '{id}': Constraint.MaxReasoningTokens ({budget}) must be >= 1.");
        }
        if (c.Grammar is not { } grammar) return;
        if (grammar.Vocabulary.Size > config.VocabSize)
            throw Invalid($"Request '{id}': the grammar's vocabulary has {grammar.Vocabulary.Size} ids, the model only {config.VocabSize}.");
        // NOTE: a value ends with one of the grammar's end ids; if one did not stop the request, it would go on
        // producing end ids (the only tokens allowed after the value) until MaxNewTokens.
        var missing = grammar.Vocabulary.EndTokenIds.Where(e => !s.StopTokenIds.Contains(e)).ToArray();
        if (missing.Length > 0 && !s.IgnoreEos)
            throw Invalid($"Request '{id}': the grammar's end ids {string.Join(", ", missing)} are not stop tokens of the request " +
                          $"(StopTokenIds: {string.Join(", ", s.StopTokenIds)}).");
    }

    private static RequestRejectedException Invalid(string message) => new(RejectionReason.InvalidField, message);

    private static RequestRejectedException Sampling(string id, string message) =>
        new(RejectionReason.InvalidSampling, $"Request '{id}': Sampling.{message}");
}
