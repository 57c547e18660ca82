using InternS1.Text.Structured;

namespace InternS1.Engine.Requests;

/// <summary>
/// What a request's output must look like (<see cref="EngineRequest.Constraint"/>): an optional reasoning phase with
/// a budget, then a value of a compiled grammar. Per step the engine gives the runner the allowed token ids of every
/// constrained sequence (a bit mask) and the runner sets every other logit to -inf before sampling.
/// <list type="bullet">
/// <item>With <see cref="ReasoningEndTokenId"/> set (thinking on: the prompt ends inside <c>&lt;think&gt;</c>), the
/// reasoning is free text except that end-of-turn ids are not allowed; when <see cref="MaxReasoningTokens"/> minus one
/// tokens have been generated without <c>&lt;/think&gt;</c>, <c>&lt;/think&gt;</c> is the only allowed token. The grammar
/// applies from the token after it.</item>
/// <item>Without it (thinking off), the grammar applies from the first token.</item>
/// <item>Once the value is complete only the grammar's end ids are allowed (which must be stop tokens of the request).</item>
/// </list>
/// </summary>
public sealed record OutputConstraint
{
    /// <summary>The grammar of the answer (compiled off the engine thread, shared); null = the answer is free (only the
    /// reasoning budget applies).</summary>
    public StructuredGrammar? Grammar { get; init; }

    /// <summary>The <c>&lt;/think&gt;</c> id when the output starts inside a think block; null = no reasoning phase.</summary>
    public int? ReasoningEndTokenId { get; init; }

    /// <summary>Most tokens of the reasoning, <c>&lt;/think&gt;</c> included (it is forced as the last one); null = no budget.
    /// Needs <see cref="ReasoningEndTokenId"/>.</summary>
    public int? MaxReasoningTokens { get; init; }
}
