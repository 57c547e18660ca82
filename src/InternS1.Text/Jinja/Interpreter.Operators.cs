using System.Text.RegularExpressions;

namespace InternS1.Text.Jinja;

internal sealed partial class Interpreter
{
    private Value EvaluateUnary(UnaryNode node, Scope scope)
    {
        var arg = Evaluate(node.Argument, scope);
        if (node.Operator == "not") return BoolValue.Of(!arg.Truthy);
        var sign = node.Operator == "-" ? -1 : 1;
        return arg switch
        {
            NumberValue n => new NumberValue(sign * n.Value, n.IsFloat),
            BoolValue b => new NumberValue(sign * (b.Value ? 1 : 0), false),
            _ => throw Fail(node, $"unknown operator '{node.Operator}' for {arg.TypeName}"),
        };
    }

    /// <summary>JavaScript <c>==</c> on the underlying values (strings/numbers/booleans coerce; containers compare by identity).</summary>
    internal static bool LooseEquals(Value a, Value b)
    {
        static object? Raw(Value v) => v switch
        {
            NumberValue n => n.Value, StringValue s => s.Value, BoolValue b => b.Value,
            ArrayValue a => a.Items, ObjectValue o => o, FunctionValue f => f, _ => null,
        };
        if (a is NullValue or UndefinedValue || b is NullValue or UndefinedValue) return a is NullValue or UndefinedValue && b is NullValue or UndefinedValue;
        var x = Raw(a);
        var y = Raw(b);
        if (x is bool bx) x = bx ? 1.0 : 0.0;
        if (y is bool by) y = by ? 1.0 : 0.0;
        return (x, y) switch
        {
            (double dx, double dy) => dx == dy,
            (string sx, string sy) => sx == sy,
            (double dx, string sy) => dx == ToNumber(sy),
            (string sx, double dy) => ToNumber(sx) == dy,
            _ => ReferenceEquals(x, y),
        };
    }

    /// <summary>JavaScript <c>===</c> on the underlying values.</summary>
    internal static bool StrictEquals(Value a, Value b) => (a, b) switch
    {
        (NumberValue x, NumberValue y) => x.Value == y.Value,
        (StringValue x, StringValue y) => x.Value == y.Value,
        (BoolValue x, BoolValue y) => x.Value == y.Value,
        (NullValue, NullValue) or (UndefinedValue, UndefinedValue) => true,
        (ArrayValue x, ArrayValue y) => ReferenceEquals(x.Items, y.Items),
        _ => ReferenceEquals(a, b),
    };

    private static double ToNumber(string s)
    {
        var t = Lexer.JsTrim(s);
        if (t.Length == 0) return 0;
        return double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : double.NaN;
    }

    private Value EvaluateBinary(BinaryNode node, Scope scope)
    {
        var left = Evaluate(node.Left, scope);
        if (node.Operator == "and") return left.Truthy ? Evaluate(node.Right, scope) : left;
        if (node.Operator == "or") return left.Truthy ? left : Evaluate(node.Right, scope);
        var right = Evaluate(node.Right, scope);
        var op = node.Operator;
        if (op == "==") return BoolValue.Of(LooseEquals(left, right));
        if (op == "!=") return BoolValue.Of(!LooseEquals(left, right));
        if (left is UndefinedValue || right is UndefinedValue)
        {
            if (right is UndefinedValue && op is "in" or "not in") return BoolValue.Of(op == "not in");
            throw Fail(node, $"cannot perform operation {op} on undefined values");
        }
        if (left is NullValue || right is NullValue) throw Fail(node, "cannot perform operation on null values");
        if (op == "~") return Concat(left, right);
        bool NumericLike(Value v) => v is NumberValue or BoolValue;
        double Num(Value v) => v is BoolValue b ? (b.Value ? 1 : 0) : ((NumberValue)v).Value;
        if (op == "**" && NumericLike(left) && NumericLike(right))
        {
            var (a, b) = (Num(left), Num(right));
            if (a == 0 && b < 0) throw Fail(node, "0.0 cannot be raised to a negative power");
            var result = Math.Pow(a, b);
            if (!double.IsFinite(result)) throw Fail(node, "exponentiation result is not a finite real number");
            return new NumberValue(result, left is NumberValue { IsFloat: true } || right is NumberValue { IsFloat: true } || b < 0);
        }
        if (left is NumberValue ln && right is NumberValue rn)
        {
            var (a, b) = (ln.Value, rn.Value);
            var isFloat = ln.IsFloat || rn.IsFloat;
            switch (op)
            {
                case "+": return new NumberValue(a + b, isFloat);
                case "-": return new NumberValue(a - b, isFloat);
                case "*": return new NumberValue(a * b, isFloat);
                case "/": return new NumberValue(a / b, true);
                case "//": return new NumberValue(Math.Floor(a / b), isFloat);
                case "%": return new NumberValue(a % b, isFloat);
                case "<": return BoolValue.Of(a < b);
                case ">": return BoolValue.Of(a > b);
                case ">=": return BoolValue.Of(a >= b);
                case "<=": return BoolValue.Of(a <= b);
            }
        }
        else if (left is ArrayValue la && right is ArrayValue ra)
        {
            if (op == "+") return new ArrayValue(la.Items.Concat(ra.Items).ToList());
        }
        else if (right is ArrayValue arr)
        {
            var member = arr.Items.Any(x => StrictEquals(x, left));
            if (op == "in") return BoolValue.Of(member);
            if (op == "not in") return BoolValue.Of(!member);
        }
        if ((left is StringValue || right is StringValue) && op == "+") return Concat(left, right);
        if (left is StringValue ls && right is StringValue rs)
        {
            if (op == "in") return BoolValue.Of(rs.Value.Contains(ls.Value, StringComparison.Ordinal));
            if (op == "not in") return BoolValue.Of(!rs.Value.Contains(ls.Value, StringComparison.Ordinal));
        }
        if (left is StringValue key && right is ObjectValue { Kind: not ObjectKind.Namespace } obj)
        {
            if (op == "in") return BoolValue.Of(obj.Has(key.Value));
            if (op == "not in") return BoolValue.Of(!obj.Has(key.Value));
        }
        throw Fail(node, $"unknown operator \"{op}\" between {left.TypeName} and {right.TypeName}");
    }

    private Value EvaluateMember(MemberNode node, Scope scope)
    {
        var obj = Evaluate(node.Object, scope);
        Value property;
        if (node.Computed)
        {
            if (node.Property is SliceNode slice) return EvaluateSlice(obj, slice, scope);
            property = Evaluate(node.Property, scope);
        }
        else if (node.Property is IntegerLiteral il) property = new NumberValue(il.Value, false);
        else property = new StringValue(((IdentifierNode)node.Property).Value);

        Value? value;
        if (obj is ObjectValue o)
        {
            if (property is not StringValue key) throw Fail(node, $"cannot access a property with a non-string: got {property.TypeName}");
            value = o.Get(key.Value) ?? (o.Kind != ObjectKind.Namespace ? ObjectBuiltin(o, key.Value) : null);
        }
        else if (obj is ArrayValue or StringValue)
        {
            if (property is NumberValue idx)
            {
                var i = (int)idx.Value;
                if (obj is StringValue s)
                {
                    if (i < 0) i += s.Value.Length;
                    value = i >= 0 && i < s.Value.Length ? s.Substring(i, 1) : null;
                }
                else
                {
                    var items = ((ArrayValue)obj).Items;
                    if (i < 0) i += items.Count;
                    value = i >= 0 && i < items.Count ? items[i] : null;
                }
            }
            else if (property is StringValue name)
                value = obj is StringValue sv ? StringBuiltin(sv, name.Value) : name.Value == "length" ? new NumberValue(((ArrayValue)obj).Items.Count, false) : null;
            else throw Fail(node, $"cannot access a property with a non-string/non-number: got {property.TypeName}");
        }
        else
        {
            if (property is not StringValue) throw Fail(node, $"cannot access a property with a non-string: got {property.TypeName}");
            value = null;
        }
        return value ?? UndefinedValue.Instance;
    }

    private Value EvaluateSlice(Value obj, SliceNode slice, Scope scope)
    {
        int? Part(Node? n, string what)
        {
            var v = Evaluate(n, scope);
            return v switch
            {
                UndefinedValue => null,
                NumberValue { IsFloat: false } num => (int)num.Value,
                _ => throw Fail(slice, $"slice {what} must be an integer or empty"),
            };
        }
        var (start, stop, step) = (Part(slice.Start, "start"), Part(slice.Stop, "stop"), Part(slice.Step, "step") ?? 1);
        List<T> Slice<T>(IReadOnlyList<T> array)
        {
            var len = array.Count;
            int s, e;
            if (step >= 0)
            {
                s = (start ?? 0) < 0 ? Math.Max(len + start!.Value, 0) : Math.Min(start ?? 0, len);
                e = (stop ?? len) < 0 ? Math.Max(len + stop!.Value, 0) : Math.Min(stop ?? len, len);
            }
            else
            {
                s = (start ?? len - 1) < 0 ? Math.Max(len + start!.Value, -1) : Math.Min(start ?? len - 1, len - 1);
                e = (stop ?? -1) < -1 ? Math.Max(len + stop!.Value, -1) : Math.Min(stop ?? -1, len - 1);
            }
            var result = new List<T>();
            var dir = Math.Sign(step);
            if (step == 0) return result;
            for (var i = s; dir * i < dir * e; i += step) result.Add(array[i]);
            return result;
        }
        return obj switch
        {
            ArrayValue a => new ArrayValue(Slice(a.Items)),
            StringValue str => SliceString(str, Slice),
            _ => throw Fail(slice, "only arrays and strings can be sliced"),
        };
    }

    /// <summary>Slices a string by code points (runes), keeping the content spans of the characters taken.</summary>
    private static StringValue SliceString(StringValue str, Func<IReadOnlyList<(int Start, int Length)>, List<(int Start, int Length)>> slice)
    {
        var runes = new List<(int Start, int Length)>();
        var v = str.Value;
        for (var i = 0; i < v.Length;)
        {
            var len = char.IsHighSurrogate(v[i]) && i + 1 < v.Length && char.IsLowSurrogate(v[i + 1]) ? 2 : 1;
            runes.Add((i, len));
            i += len;
        }
        var output = new TextBuilder();
        foreach (var (start, length) in slice(runes)) output.Append(str, start, length);
        return output.ToValue();
    }

    /// <summary>JavaScript <c>String(a) + String(b)</c>, keeping content spans.</summary>
    private static StringValue Concat(Value left, Value right)
    {
        var output = new TextBuilder();
        left.JsStringTo(output);
        right.JsStringTo(output);
        return output.ToValue();
    }

    private static StringValue Replace(StringValue str, string oldValue, StringValue newValue, int? count)
    {
        if (count == 0) return str;
        var remaining = count is null or < 0 ? int.MaxValue : count.Value;
        var pattern = oldValue.Length == 0 ? new Regex("(?=)") : new Regex(Regex.Escape(oldValue));
        var output = new TextBuilder();
        var cursor = 0;
        foreach (Match m in pattern.Matches(str.Value))
        {
            if (remaining <= 0) break;
            remaining--;
            output.Append(str, cursor, m.Index - cursor).Append(newValue);
            cursor = m.Index + m.Length;
        }
        return output.Append(str, cursor, str.Value.Length - cursor).ToValue();
    }
}
