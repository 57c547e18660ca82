using InternS1.Engine.Requests;
using InternS1.Text.Structured;

namespace InternS1.Engine.Structured;

/// <summary>
/// One sequence's <see cref="OutputConstraint"/> as decoding goes: the phase it is in (reasoning, value, free), the
/// reasoning tokens used, the grammar matcher of the value, and the mask buffer the runner reads. <see cref="NextMask"/>
/// gives the allowed ids of the next sampled token; <see cref="Advance"/> takes the token the scheduler appended.
/// Preemption by recompute keeps the generated tokens, so the state stays as it is (nothing to replay). Engine thread
/// only; <see cref="NextMask"/> of different sequences may run in parallel.
/// </summary>
internal sealed class SequenceConstraint
{
    private readonly OutputConstraint _constraint;
    private readonly ulong[] _mask;
    private readonly int _vocabSize;
    private readonly int[] _endIds;
    private GrammarMatcher? _matcher;
    private Phase _phase;
    private Holds _holds;
    private int _reasoningTokens;

    private enum Phase { Reasoning, Value, Free }

    private enum Holds { Nothing, Reasoning, ForcedEnd, Value }

    /// <param name="constraint">The request's constraint (checked at admission).</param>
    /// <param name="stopTokenIds">The request's stop ids: not allowed during the reasoning.</param>
    /// <param name="vocabSize">Rows of the logits (the mask covers them all).</param>
    public SequenceConstraint(OutputConstraint constraint, IReadOnlyList<int> stopTokenIds, int vocabSize)
    {
        _constraint = constraint;
        _vocabSize = vocabSize;
        var words = Math.Max((vocabSize + 63) / 64, constraint.Grammar?.Vocabulary.MaskWords ?? 0);
        _mask = new ulong[words];
        _endIds = stopTokenIds.Concat(constraint.Grammar?.Vocabulary.EndTokenIds ?? []).Where(id => (uint)id < (uint)vocabSize).Distinct().ToArray();
        if (constraint.ReasoningEndTokenId is not null) _phase = Phase.Reasoning;
        else StartValue();
    }

    /// <summary>True once the value's grammar has accepted an end id.</summary>
    public bool IsTerminated => _matcher?.IsTerminated == true;

    /// <summary>The allowed ids of the next token (the engine's buffer, valid until the next call), or null when the
    /// next token is free.</summary>
    public ulong[]? NextMask()
    {
        switch (_phase)
        {
            case Phase.Free:
                return null;
            case Phase.Reasoning when _constraint.MaxReasoningTokens is { } budget && _reasoningTokens >= budget - 1:
                Array.Clear(_mask);
                Set(_constraint.ReasoningEndTokenId!.Value);
                _holds = Holds.ForcedEnd;
                return _mask;
            case Phase.Reasoning:
                if (_holds != Holds.Reasoning)
                {
                    // NOTE: the reasoning is free text, but it may not end the turn: the answer must come.
                    Array.Clear(_mask);
                    var full = _vocabSize / 64;
                    Array.Fill(_mask, ulong.MaxValue, 0, full);
                    if (_vocabSize % 64 != 0) _mask[full] = (1UL << (_vocabSize % 64)) - 1;
                    foreach (var id in _endIds) _mask[id >> 6] &= ~(1UL << (id & 63));
                    _holds = Holds.Reasoning;
                }
                return _mask;
            default:
                _matcher!.FillMask(_mask);
                _holds = Holds.Value;
                return _mask;
        }
    }

    /// <summary>Takes the token the scheduler appended; false when the token was not allowed (the runner did not
    /// honour the mask), and the state is then unchanged.</summary>
    public bool Advance(int tokenId)
    {
        switch (_phase)
        {
            case Phase.Reasoning:
                var end = _constraint.ReasoningEndTokenId!.Value;
                if (tokenId != end && (_holds == Holds.ForcedEnd || _endIds.Contains(tokenId))) return false;
                _reasoningTokens++;
                if (tokenId == end)
                {
                    if (_constraint.Grammar is null) _phase = Phase.Free;
                    else StartValue();
                }
                return true;
            case Phase.Value:
                // NOTE: past the end (benchmarks ignoring eos) only end ids may follow, as the mask says.
                if (_matcher!.IsTerminated) return _constraint.Grammar!.Vocabulary.EndTokenIds.Contains(tokenId);
                return _matcher.Accept(tokenId);
            default:
                return true;
        }
    }

    /// <summary>Where the sequence is, for error messages.</summary>
    public string Describe() => _phase switch
    {
        Phase.Reasoning => $"reasoning, {_reasoningTokens} of {_constraint.MaxReasoningTokens?.ToString() ?? "unlimited"} tokens",
        Phase.Value => $"inside the structured value after {_matcher!.AcceptedTokens} tokens",
        _ => "free answer",
    };

    private void StartValue()
    {
        if (_constraint.Grammar is { } grammar)
        {
            _matcher = grammar.CreateMatcher();
            _phase = Phase.Value;
        }
        else _phase = Phase.Free;
    }

    private void Set(int id) => _mask[id >> 6] |= 1UL << (id & 63);
}
