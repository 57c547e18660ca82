namespace InternS1.Text.Jinja;

/// <summary>Evaluates a parsed template with @huggingface/jinja's runtime semantics (interpreter in runtime.ts).</summary>
internal sealed partial class Interpreter
{
    private sealed class BreakSignal : Exception;
    private sealed class ContinueSignal : Exception;

    public StringValue Run(ProgramNode program, Scope globals) => EvaluateBlock(program.Body, globals);

    private StringValue EvaluateBlock(List<Node> statements, Scope scope)
    {
        var output = new TextBuilder();
        foreach (var statement in statements)
        {
            var v = Evaluate(statement, scope);
            if (v is not (NullValue or UndefinedValue)) v.RenderTo(output);
        }
        return output.ToValue();
    }

    private Value Evaluate(Node? node, Scope scope)
    {
        if (node is null) return UndefinedValue.Instance;
        try
        {
            return EvaluateCore(node, scope);
        }
        catch (JinjaException) { throw; }
        catch (BreakSignal) { throw; }
        catch (ContinueSignal) { throw; }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or KeyNotFoundException or IndexOutOfRangeException)
        {
            throw new JinjaException(e.Message, node.Line, node.Column, e);
        }
    }

    private static JinjaException Fail(Node node, string message) => new(message, node.Line, node.Column);

    private Value EvaluateCore(Node node, Scope scope)
    {
        switch (node)
        {
            case ProgramNode p: return EvaluateBlock(p.Body, scope);
            case SetNode s: return EvaluateSet(s, scope);
            case IfNode i: return EvaluateBlock(Evaluate(i.Test, scope).Truthy ? i.Body : i.Alternate, scope);
            case ForNode f: return EvaluateFor(f, scope);
            case MacroNode m: return DefineMacro(m, scope);
            case CallStatementNode c: return EvaluateCallStatement(c, scope);
            case BreakNode: throw new BreakSignal();
            case ContinueNode: throw new ContinueSignal();
            case IntegerLiteral l: return new NumberValue(l.Value, false);
            case FloatLiteral l: return new NumberValue(l.Value, true);
            case StringLiteral l: return new StringValue(l.Value);
            case ArrayLiteral a: return new ArrayValue(a.Value.Select(x => Evaluate(x, scope)).ToList());
            case TupleLiteral t: return new TupleValue(t.Value.Select(x => Evaluate(x, scope)).ToList());
            case ObjectLiteral o:
            {
                var obj = new ObjectValue();
                foreach (var (k, v) in o.Value)
                {
                    if (Evaluate(k, scope) is not StringValue key) throw Fail(k, "object keys must be strings");
                    obj.Set(key, Evaluate(v, scope));
                }
                return obj;
            }
            case IdentifierNode id: return scope.Lookup(id.Value);
            case CallNode c: return EvaluateCall(c, scope);
            case MemberNode m: return EvaluateMember(m, scope);
            case UnaryNode u: return EvaluateUnary(u, scope);
            case BinaryNode b: return EvaluateBinary(b, scope);
            case FilterNode f: return ApplyFilter(Evaluate(f.Operand, scope), f.Filter, scope);
            case FilterStatementNode fs: return ApplyFilter(EvaluateBlock(fs.Body, scope), fs.Filter, scope);
            case TestNode t: return EvaluateTest(t, scope);
            case SelectNode s: return Evaluate(s.Test, scope).Truthy ? Evaluate(s.Lhs, scope) : UndefinedValue.Instance;
            case TernaryNode t: return Evaluate(t.Condition, scope).Truthy ? Evaluate(t.TrueExpr, scope) : Evaluate(t.FalseExpr, scope);
            case CommentNode: return NullValue.Instance;
            default: throw Fail(node, $"unsupported syntax: {node.GetType().Name}");
        }
    }

    private Value EvaluateSet(SetNode node, Scope scope)
    {
        var rhs = node.Value is not null ? Evaluate(node.Value, scope) : EvaluateBlock(node.Body, scope);
        switch (node.Assignee)
        {
            case IdentifierNode id: scope.Set(id.Value, rhs); break;
            case TupleLiteral tuple:
                if (rhs is not ArrayValue arr) throw Fail(node, $"cannot unpack non-iterable type in set: {rhs.TypeName}");
                if (arr.Items.Count != tuple.Value.Count) throw Fail(node, $"too {(tuple.Value.Count > arr.Items.Count ? "few" : "many")} items to unpack in set");
                for (var i = 0; i < tuple.Value.Count; i++)
                {
                    if (tuple.Value[i] is not IdentifierNode name) throw Fail(node, "cannot unpack to a non-identifier in set");
                    scope.Set(name.Value, arr.Items[i]);
                }
                break;
            case MemberNode member:
                if (Evaluate(member.Object, scope) is not ObjectValue { Kind: ObjectKind.Namespace } ns) throw Fail(node, "cannot assign an attribute of a non-namespace object");
                if (member.Property is not IdentifierNode prop) throw Fail(node, "cannot assign to a member with a non-identifier property");
                ns.Set(prop.Value, rhs);
                break;
            default: throw Fail(node, "invalid left-hand side of an assignment");
        }
        return NullValue.Instance;
    }

    private Value EvaluateFor(ForNode node, Scope parent)
    {
        var scope = new Scope(parent);
        Node? test = null;
        Value iterable;
        if (node.Iterable is SelectNode select) { iterable = Evaluate(select.Lhs, scope); test = select.Test; }
        else iterable = Evaluate(node.Iterable, scope);
        List<Value> source = iterable switch
        {
            ArrayValue a => a.Items,
            ObjectValue { Kind: not ObjectKind.Namespace } o => o.Keys.Select(k => (Value)o.KeyValue(k)).ToList(),
            _ => throw Fail(node, $"expected an iterable or object in the for loop, got {iterable.TypeName}"),
        };
        void Bind(Scope s, Value current)
        {
            if (node.LoopVar is IdentifierNode id) { s.Set(id.Value, current); return; }
            var vars = ((TupleLiteral)node.LoopVar).Value;
            if (current is not ArrayValue c) throw Fail(node, $"cannot unpack non-iterable type: {current.TypeName}");
            if (vars.Count != c.Items.Count) throw Fail(node, $"too {(vars.Count > c.Items.Count ? "few" : "many")} items to unpack");
            for (var j = 0; j < vars.Count; j++)
            {
                if (vars[j] is not IdentifierNode v) throw Fail(node, "cannot unpack to a non-identifier");
                s.Set(v.Value, c.Items[j]);
            }
        }
        var items = new List<Value>();
        foreach (var current in source)
        {
            if (test is not null)
            {
                var loopScope = new Scope(scope);
                Bind(loopScope, current);
                if (!Evaluate(test, loopScope).Truthy) continue;
            }
            items.Add(current);
        }
        var output = new TextBuilder();
        var noIteration = true;
        for (var i = 0; i < items.Count; i++)
        {
            var loop = new ObjectValue();
            loop.Set("index", new NumberValue(i + 1, false));
            loop.Set("index0", new NumberValue(i, false));
            loop.Set("revindex", new NumberValue(items.Count - i, false));
            loop.Set("revindex0", new NumberValue(items.Count - i - 1, false));
            loop.Set("first", BoolValue.Of(i == 0));
            loop.Set("last", BoolValue.Of(i == items.Count - 1));
            loop.Set("length", new NumberValue(items.Count, false));
            loop.Set("previtem", i > 0 ? items[i - 1] : UndefinedValue.Instance);
            loop.Set("nextitem", i < items.Count - 1 ? items[i + 1] : UndefinedValue.Instance);
            scope.Set("loop", loop);
            Bind(scope, items[i]);
            try
            {
                output.Append(EvaluateBlock(node.Body, scope));
            }
            catch (ContinueSignal) { continue; }
            catch (BreakSignal) { break; }
            noIteration = false;
        }
        if (noIteration) output.Append(EvaluateBlock(node.DefaultBlock, scope));
        return output.ToValue();
    }

    private Value DefineMacro(MacroNode node, Scope scope)
    {
        scope.Set(node.Name.Value, new FunctionValue((args, callerScope) =>
        {
            var macroScope = new Scope(callerScope);
            BindMacroArguments(node, node.Args, args, macroScope);
            return EvaluateBlock(node.Body, macroScope);
        }));
        return NullValue.Instance;
    }

    private void BindMacroArguments(Node at, List<Node> parameters, List<Value> args, Scope scope)
    {
        var positional = args.ToList();
        var keywords = new ObjectValue();
        if (positional.Count > 0 && positional[^1] is ObjectValue { Kind: ObjectKind.KeywordArguments } kw)
        {
            positional.RemoveAt(positional.Count - 1);
            foreach (var (k, v) in kw.Entries) keywords.Set(k, v);
        }
        var pending = new List<(string, Node)>();
        for (var i = 0; i < parameters.Count; i++)
        {
            var (name, defaultValue) = parameters[i] switch
            {
                IdentifierNode id => (id.Value, (Node?)null),
                KeywordArgumentNode k => (k.Key.Value, k.Value),
                _ => throw Fail(at, "invalid macro parameter"),
            };
            Value? value = i < positional.Count ? positional[i] : null;
            if (value is null && keywords.Get(name) is { } fromKw) { value = fromKw; keywords.Remove(name); }
            if (value is null && defaultValue is not null) pending.Add((name, defaultValue));
            scope.Set(name, value ?? UndefinedValue.Instance);
        }
        scope.Set("kwargs", keywords);
        scope.Set("varargs", new ArrayValue(positional.Skip(parameters.Count).ToList()));
        foreach (var (name, defaultValue) in pending) scope.Set(name, Evaluate(defaultValue, scope));
    }

    private Value EvaluateCallStatement(CallStatementNode node, Scope scope)
    {
        var parameters = node.CallerArgs ?? [];
        var caller = new FunctionValue((callerArgs, _) =>
        {
            var callScope = new Scope(scope);
            BindMacroArguments(node, parameters, callerArgs, callScope);
            return EvaluateBlock(node.Body, callScope);
        });
        var (args, kwargs) = EvaluateArguments(node.Call.Args, scope);
        args.Add(kwargs);
        if (Evaluate(node.Call.Callee, scope) is not FunctionValue fn) throw Fail(node, "cannot call something that is not a function");
        var newScope = new Scope(scope);
        newScope.Set("caller", caller);
        return fn.Invoke(args, newScope);
    }

    private (List<Value> Args, ObjectValue Kwargs) EvaluateArguments(List<Node> args, Scope scope)
    {
        var positional = new List<Value>();
        var keywords = new ObjectValue(ObjectKind.KeywordArguments);
        foreach (var a in args)
        {
            if (a is SpreadNode spread)
            {
                if (Evaluate(spread.Argument, scope) is not ArrayValue arr) throw Fail(a, "cannot unpack a non-iterable value");
                positional.AddRange(arr.Items);
            }
            else if (a is not (KeywordArgumentNode or KeywordSpreadNode)) positional.Add(Evaluate(a, scope));
        }
        foreach (var a in args)
        {
            if (a is KeywordArgumentNode k)
            {
                if (keywords.Has(k.Key.Value)) throw Fail(a, $"got multiple values for keyword argument '{k.Key.Value}'");
                keywords.Set(k.Key.Value, Evaluate(k.Value, scope));
            }
            else if (a is KeywordSpreadNode ks)
            {
                if (Evaluate(ks.Argument, scope) is not ObjectValue { Kind: not ObjectKind.Namespace } map) throw Fail(a, "argument after ** must be a mapping");
                foreach (var (key, v) in map.Entries)
                {
                    if (keywords.Has(key)) throw Fail(a, $"got multiple values for keyword argument '{key}'");
                    keywords.Set(key, v);
                }
            }
        }
        return (positional, keywords);
    }

    private Value EvaluateCall(CallNode node, Scope scope)
    {
        var (args, kwargs) = EvaluateArguments(node.Args, scope);
        if (kwargs.Count > 0) args.Add(kwargs);
        var fn = Evaluate(node.Callee, scope);
        if (fn is not FunctionValue f) throw Fail(node, $"cannot call something that is not a function: got {fn.TypeName}");
        return f.Invoke(args, scope);
    }

    private Value EvaluateTest(TestNode node, Scope scope)
    {
        var operand = Evaluate(node.Operand, scope);
        bool result = node.Test.Value switch
        {
            "boolean" => operand is BoolValue,
            "callable" => operand is FunctionValue,
            "odd" => operand is NumberValue { IsFloat: false } n ? n.Value % 2 != 0 : throw Fail(node, $"cannot odd on {operand.TypeName}"),
            "even" => operand is NumberValue { IsFloat: false } n2 ? n2.Value % 2 == 0 : throw Fail(node, $"cannot even on {operand.TypeName}"),
            "false" => operand is BoolValue { Value: false },
            "true" => operand is BoolValue { Value: true },
            "none" => operand is NullValue,
            "string" => operand is StringValue,
            "number" => operand is NumberValue,
            "integer" => operand is NumberValue { IsFloat: false },
            "iterable" => operand is ArrayValue { TypeName: "ArrayValue" } or StringValue,
            "mapping" => operand is ObjectValue { Kind: not ObjectKind.Namespace },
            "sequence" => operand is ArrayValue or StringValue or ObjectValue { Kind: not ObjectKind.Namespace },
            "lower" => operand is StringValue s && s.Value == s.Value.ToLowerInvariant(),
            "upper" => operand is StringValue s2 && s2.Value == s2.Value.ToUpperInvariant(),
            "defined" => operand is not UndefinedValue,
            "undefined" => operand is UndefinedValue,
            "equalto" or "eq" => throw Fail(node, "the 'eq' test needs an argument, which this syntax cannot pass"),
            _ => throw Fail(node.Test, $"unknown test '{node.Test.Value}'"),
        };
        return BoolValue.Of(node.Negate ? !result : result);
    }
}
