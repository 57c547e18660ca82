using InternS1.Engine.Requests;

namespace InternS1.Engine.Execution;

/// <summary>
/// One request's share of a step: compute the tokens at positions
/// [<see cref="StartPosition"/>, <see cref="StartPosition"/> + TokenIds.Count), attending to the
/// <see cref="StartPosition"/> tokens already in its KV blocks (earlier steps or prefix-cache hits).
/// </summary>
public sealed record ScheduledRequest
{
    public required string RequestId { get; init; }

    /// <summary>The token ids to compute this step (a prefill chunk, or the one last sampled token).</summary>
    public required IReadOnlyList<int> TokenIds { get; init; }

    /// <summary>Position of TokenIds[0] in the sequence = number of tokens already in the KV cache.</summary>
    public required int StartPosition { get; init; }

    /// <summary>Block ids of the sequence in order; block i holds positions
    /// [i x blockSize, (i+1) x blockSize). Covers at least StartPosition + TokenIds.Count positions.</summary>
    public required IReadOnlyList<int> BlockTable { get; init; }

    /// <summary>True when this chunk reaches the end of the known sequence: sample the next token.</summary>
    public required bool Sample { get; init; }

    public required SamplingParams Sampling { get; init; }

    /// <summary>Number of tokens generated so far (the index of the token sampled this step); with
    /// the seed it determines the random draw.</summary>
    public required int OutputIndex { get; init; }

    /// <summary>Media runs overlapping this chunk (their placeholder positions must be filled with
    /// vision features). A run may be split over several chunks.</summary>
    public IReadOnlyList<MultimodalInput> MultimodalInputs { get; init; } = [];

    /// <summary>With <see cref="Sample"/>: the token ids the sampled token may be (bit <c>id % 64</c> of word
    /// <c>id / 64</c> set = allowed; ids past the mask are not allowed); every other logit is set to -inf before sampling.
    /// Null = any token (unconstrained sequences). The engine reuses the array: read it during <c>Execute</c> only.</summary>
    public ulong[]? TokenMask { get; init; }

    /// <summary>Return the float32 logits of the sampled position (tests and the logits command).</summary>
    public bool ReturnLogits { get; init; }
}
