namespace InternS1.Engine.Requests;

/// <summary>
/// One step's new output of a streamed request (vLLM's <c>RequestOutput</c> in delta mode): the text its new token
/// completed, special tokens kept. Text that could still turn out to be the start of a stop string is held back, so
/// the deltas of a request, in order, are always a prefix of its final <see cref="EngineResult.OutputText"/>; the rest
/// of that text comes with the result.
/// </summary>
/// <param name="RequestId">The request.</param>
/// <param name="Text">New text; empty when the token completed none yet (a partial UTF-8 sequence, a held-back
/// stop-string prefix).</param>
/// <param name="NumOutputTokens">Tokens generated so far, this one included.</param>
public sealed record EngineDelta(string RequestId, string Text, int NumOutputTokens);
