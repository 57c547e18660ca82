namespace InternS1.Text.Structured.Automata;

/// <summary>A bound of a number range: the value and whether it is included.</summary>
internal readonly record struct NumberBound(DecimalValue Value, bool Inclusive);

/// <summary>
/// Byte DFAs of JSON numbers. Unconstrained: the JSON grammar (<c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>,
/// integers without fraction and exponent). With bounds or a fraction-digit limit: plain decimals (no exponent, no
/// <c>-0</c>) whose exact value lies in the range, built digit by digit: for each integer-part length a branch that
/// compares its digits with the lower and the upper bound while they are equal ("tight"), then the fraction the same way.
/// </summary>
internal sealed class NumberAutomaton
{
    private readonly RangeNfa _nfa = new();
    private readonly Dictionary<(string Phase, int Pos, bool Lt, bool Ut, int Len), int> _states = new();
    private string _lInt = "0", _lFrac = "", _uInt = "", _uFrac = "";
    private bool _lInc, _uInc, _hasUpper;
    private int? _maxFrac;

    private NumberAutomaton() { }

    /// <summary>The JSON number grammar (or the integer subset).</summary>
    public static RangeDfa Unconstrained(bool integer) => RegexNode.Compile(RegexParser.Parse(
        integer ? "-?(?:0|[1-9][0-9]*)" : "-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?", CharSet.Scalars));

    /// <summary>Decimals in [<paramref name="lower"/>, <paramref name="upper"/>] (either may be absent) with at most
    /// <paramref name="maxFractionDigits"/> fraction digits (null: any). Empty when no value qualifies.</summary>
    public static RangeDfa Range(NumberBound? lower, NumberBound? upper, int? maxFractionDigits)
    {
        var b = new NumberAutomaton();
        var start = b._nfa.AddState();
        b._nfa.Start = start;
        var zero = DecimalValue.Zero;
        // x >= 0 part.
        if (upper is not { } u || u.Value > zero || (u.Value.IsZero && u.Inclusive))
        {
            var lo = lower is { } l && !l.Value.IsNegative ? l : new NumberBound(zero, true);
            b.NonNegative(start, lo, upper, maxFractionDigits);
        }
        // x < 0 part: "-" then v = -x > 0 (no "-0").
        if (lower is not { } lw || lw.Value.IsNegative)
        {
            var minus = b._nfa.AddState();
            b._nfa.AddEdge(start, '-', '-', minus);
            var vLow = upper is { } up && up.Value.IsNegative ? new NumberBound(up.Value.Negate(), up.Inclusive) : new NumberBound(zero, false);
            NumberBound? vHigh = lower is { } lv ? new NumberBound(lv.Value.Negate(), lv.Inclusive) : null;
            b.NonNegative(minus, vLow, vHigh, maxFractionDigits);
        }
        return RangeDfa.Determinize(b._nfa);
    }

    private void NonNegative(int from, NumberBound lower, NumberBound? upper, int? maxFrac)
    {
        _states.Clear();
        (_lInt, _lFrac) = lower.Value.Digits();
        _lInc = lower.Inclusive;
        _hasUpper = upper is not null;
        if (upper is { } u) { (_uInt, _uFrac) = u.Value.Digits(); _uInc = u.Inclusive; }
        _maxFrac = maxFrac;
        var kL = _lInt.Length;
        int? kU = _hasUpper ? _uInt.Length : null;
        if (kU < kL) return;
        if (kU == kL) _nfa.AddEpsilon(from, Int(0, true, true, kL));
        else
        {
            _nfa.AddEpsilon(from, Int(0, true, false, kL));
            if (kU is { } ku) _nfa.AddEpsilon(from, Int(0, false, true, ku));
            if (kU is null || kU - kL >= 2) _nfa.AddEpsilon(from, Free(0, kL + 1, kU - 1));
        }
    }

    private int State((string, int, bool, bool, int) key, out bool created)
    {
        created = !_states.TryGetValue(key, out var s);
        if (created) _states[key] = s = _nfa.AddState();
        return s;
    }

    /// <summary>Integer part of a branch with exactly <paramref name="len"/> digits, <paramref name="pos"/> read.</summary>
    private int Int(int pos, bool lt, bool ut, int len)
    {
        var s = State(("I", pos, lt, ut, len), out var created);
        if (!created) return s;
        if (pos == len) { IntegerDone(s, lt, ut); return s; }
        var first = pos == 0 && len > 1 ? 1 : 0;
        for (var d = first; d <= 9; d++)
        {
            var (ok, lt2, ut2) = Compare(d, lt, ut, lt ? _lInt[pos] - '0' : 0, ut ? _uInt[pos] - '0' : 9);
            if (ok) _nfa.AddEdge(s, '0' + d, '0' + d, Int(pos + 1, lt2, ut2, len));
        }
        return s;
    }

    /// <summary>Integer part with between <paramref name="min"/> and <paramref name="max"/> digits, free of both bounds.</summary>
    private int Free(int pos, int min, int? max)
    {
        var capped = max is null ? Math.Min(pos, min) : pos;
        var s = State(("G", capped, false, false, 0), out var created);
        if (!created) return s;
        if (capped >= min) IntegerDone(s, false, false);
        if (max is null || pos < max)
            _nfa.AddEdge(s, pos == 0 ? '1' : '0', '9', Free(capped + 1, min, max));
        return s;
    }

    private static (bool Ok, bool Lt, bool Ut) Compare(int d, bool lt, bool ut, int l, int u)
    {
        if (lt && d < l) return (false, false, false);
        if (ut && d > u) return (false, false, false);
        return (true, lt && d == l, ut && d == u);
    }

    private void IntegerDone(int s, bool lt, bool ut)
    {
        var lowOk = !lt || (_lFrac.Length == 0 && _lInc);
        var upOk = !ut || _uFrac.Length > 0 || _uInc;
        if (lowOk && upOk) _nfa.SetFinal(s);
        if (_maxFrac != 0)
        {
            var dot = _nfa.AddState();
            _nfa.AddEdge(s, '.', '.', dot);
            _nfa.AddEpsilon(dot, Frac(0, lt, ut));
        }
    }

    /// <summary>Fraction after <paramref name="pos"/> digits (no accept at 0: a digit must follow the dot).</summary>
    private int Frac(int pos, bool lt, bool ut)
    {
        var cap = Math.Max(_lFrac.Length, _uFrac.Length);
        var key = _maxFrac is null ? Math.Min(pos, cap + 1) : pos;
        var s = State(("F", key, lt, ut, pos == 0 ? 0 : 1), out var created);
        if (!created) return s;
        if (pos > 0)
        {
            var lowOk = !lt || (pos >= _lFrac.Length && _lInc);
            var upOk = !ut || pos < _uFrac.Length || _uInc;
            if (lowOk && upOk) _nfa.SetFinal(s);
        }
        if (_maxFrac is { } mf && pos >= mf) return s;
        for (var d = 0; d <= 9; d++)
        {
            var l = pos < _lFrac.Length ? _lFrac[pos] - '0' : 0;
            var u = pos < _uFrac.Length ? _uFrac[pos] - '0' : 0;
            var (ok, lt2, ut2) = Compare(d, lt, ut, l, u);
            if (ok) _nfa.AddEdge(s, '0' + d, '0' + d, Frac(_maxFrac is null ? Math.Min(pos + 1, cap + 1) : pos + 1, lt2, ut2));
        }
        return s;
    }
}
