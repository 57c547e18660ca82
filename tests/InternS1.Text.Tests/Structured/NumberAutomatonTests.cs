using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using InternS1.Text.Structured.Automata;

namespace InternS1.Text.Tests.Structured;

/// <summary>The range automaton against exact rational arithmetic: for many bounds, every short decimal string is
/// accepted exactly when it is a plain decimal (no exponent, no negative zero, at most F fraction digits) whose value
/// lies in the range.</summary>
public class NumberAutomatonTests
{
    private static readonly string[] Bounds = ["0", "1", "-1", "0.5", "-2.5", "12", "100", "-100", "0.01", "9.99", "-0.3", "1000"];

    private static IEnumerable<string> Candidates()
    {
        var alphabet = "-0123459.";
        var items = new List<string> { "" };
        for (var len = 1; len <= 5; len++)
        {
            var next = new List<string>();
            foreach (var p in items.Where(x => x.Length == len - 1))
                foreach (var c in alphabet) next.Add(p + c);
            items.AddRange(next);
        }
        return items.Concat(["1000", "999.99", "-100", "-99.999", "0.0100", "9.990", "12.0000001", "-2.50", "100.000"]);
    }

    /// <summary>Exact value of a plain decimal as numerator / 10^scale.</summary>
    private static (BigInteger Num, int Scale) Exact(string s)
    {
        var neg = s.StartsWith('-');
        var body = neg ? s[1..] : s;
        var dot = body.IndexOf('.');
        var digits = body.Replace(".", "");
        var scale = dot < 0 ? 0 : body.Length - dot - 1;
        var v = BigInteger.Parse(digits);
        return (neg ? -v : v, scale);
    }

    private static int Compare(string a, string b)
    {
        var (x, sx) = Exact(a);
        var (y, sy) = Exact(b);
        var s = Math.Max(sx, sy);
        return (x * BigInteger.Pow(10, s - sx)).CompareTo(y * BigInteger.Pow(10, s - sy));
    }

    private static bool Reference(string s, string? lo, bool loInc, string? hi, bool hiInc, int? frac)
    {
        if (!Regex.IsMatch(s, @"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")) return false;
        if (s.StartsWith('-') && Exact(s).Num.IsZero) return false;
        var dot = s.IndexOf('.');
        if (frac is { } f && dot >= 0 && s.Length - dot - 1 > f) return false;
        if (lo is not null && (loInc ? Compare(s, lo) < 0 : Compare(s, lo) <= 0)) return false;
        if (hi is not null && (hiInc ? Compare(s, hi) > 0 : Compare(s, hi) >= 0)) return false;
        return true;
    }

    public static TheoryData<string?, bool, string?, bool, int?> Ranges()
    {
        var data = new TheoryData<string?, bool, string?, bool, int?>();
        var rng = new Random(11);
        data.Add(null, true, null, true, 2);
        data.Add("0", true, null, true, null);
        data.Add(null, true, "-0.3", false, null);
        for (var i = 0; i < 20; i++)
        {
            var a = Bounds[rng.Next(Bounds.Length)];
            var b = Bounds[rng.Next(Bounds.Length)];
            if (Compare(a, b) > 0) (a, b) = (b, a);
            data.Add(a, rng.Next(2) == 0, b, rng.Next(2) == 0, rng.Next(3) switch { 0 => null, 1 => 0, _ => 2 });
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Ranges))]
    public void The_range_automaton_accepts_exactly_the_decimals_in_the_range(string? lo, bool loInc, string? hi, bool hiInc, int? frac)
    {
        NumberBound? lower = lo is null ? null : new NumberBound(DecimalValue.Parse(lo), loInc);
        NumberBound? upper = hi is null ? null : new NumberBound(DecimalValue.Parse(hi), hiInc);
        var dfa = NumberAutomaton.Range(lower, upper, frac);
        foreach (var s in Candidates())
        {
            var expected = Reference(s, lo, loInc, hi, hiInc, frac);
            var got = !dfa.IsEmpty && dfa.Accepts(Encoding.ASCII.GetBytes(s).Select(b => (int)b));
            Assert.True(expected == got, $"'{s}' in {(loInc ? "[" : "(")}{lo}, {hi}{(hiInc ? "]" : ")")} frac {frac}: expected {expected}, got {got}");
        }
    }

    [Fact]
    public void The_unconstrained_automata_follow_the_JSON_number_grammar()
    {
        var number = NumberAutomaton.Unconstrained(integer: false);
        var integer = NumberAutomaton.Unconstrained(integer: true);
        foreach (var s in Candidates().Concat(["1e5", "1E+5", "-0.5e-10", "1e", "01", "1.e5", ".5", "-"]))
        {
            var bytes = Encoding.ASCII.GetBytes(s).Select(b => (int)b).ToList();
            Assert.Equal(Regex.IsMatch(s, @"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$"), number.Accepts(bytes));
            Assert.Equal(Regex.IsMatch(s, @"^-?(0|[1-9][0-9]*)$"), integer.Accepts(bytes));
        }
    }

    [Fact]
    public void Bounds_compare_exactly_beyond_double_precision()
    {
        var dfa = NumberAutomaton.Range(new NumberBound(DecimalValue.Parse("0.1"), false), new NumberBound(DecimalValue.Parse("1e2"), true), null);
        Assert.True(dfa.Accepts(Encoding.ASCII.GetBytes("0.10000000000000000000001").Select(b => (int)b)));
        Assert.False(dfa.Accepts(Encoding.ASCII.GetBytes("0.1").Select(b => (int)b)));
        Assert.True(dfa.Accepts(Encoding.ASCII.GetBytes("100").Select(b => (int)b)));
        Assert.False(dfa.Accepts(Encoding.ASCII.GetBytes("100.00000000000000000001").Select(b => (int)b)));
    }
}
