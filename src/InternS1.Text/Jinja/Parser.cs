namespace InternS1.Text.Jinja;

/// <summary>Recursive-descent parser with @huggingface/jinja's grammar and operator precedence
/// (if-expression, or, and, not, comparison, additive, multiplicative, power, test, filter, unary sign,
/// call/member, primary).</summary>
internal sealed class Parser
{
    private readonly List<Token> _tokens;
    private int _current;

    private Parser(List<Token> tokens) => _tokens = tokens;

    public static ProgramNode Parse(List<Token> tokens)
    {
        var p = new Parser(tokens);
        var body = new List<Node>();
        while (p._current < tokens.Count) body.Add(p.ParseAny());
        return new ProgramNode(body);
    }

    private Token Peek => _current < _tokens.Count ? _tokens[_current]
        : throw new JinjaException("unexpected end of template (a block or expression is not closed)",
            _tokens.Count > 0 ? _tokens[^1].Line : 0, _tokens.Count > 0 ? _tokens[^1].Column : 0);

    private JinjaException Error(string message, Token? at = null)
    {
        at ??= _current < _tokens.Count ? _tokens[_current] : _tokens.Count > 0 ? _tokens[^1] : null;
        return new JinjaException(message, at?.Line ?? 0, at?.Column ?? 0);
    }

    private T At<T>(T node, Token t) where T : Node => node with { Line = t.Line, Column = t.Column };

    private Token Expect(TokenType type, string what)
    {
        var t = Peek;
        if (t.Type != type) throw Error($"expected {what}, found {Describe(t)}", t);
        _current++;
        return t;
    }

    private static string Describe(Token t) => t.Type switch
    {
        TokenType.Text => "text",
        TokenType.StringLiteral => $"string '{t.Value}'",
        _ => $"'{t.Value}'",
    };

    private void ExpectIdentifier(string name)
    {
        if (!IsIdentifier(name)) throw Error($"expected '{name}'");
        _current++;
    }

    private bool Is(params TokenType[] types)
    {
        if (_current + types.Length > _tokens.Count) return false;
        for (var i = 0; i < types.Length; i++) if (_tokens[_current + i].Type != types[i]) return false;
        return true;
    }

    private bool IsStatement(params string[] names) =>
        _current + 1 < _tokens.Count && _tokens[_current].Type == TokenType.OpenStatement &&
        _tokens[_current + 1].Type == TokenType.Identifier && names.Contains(_tokens[_current + 1].Value);

    private bool IsIdentifier(params string[] names)
    {
        if (_current + names.Length > _tokens.Count) return false;
        for (var i = 0; i < names.Length; i++)
            if (_tokens[_current + i].Type != TokenType.Identifier || _tokens[_current + i].Value != names[i]) return false;
        return true;
    }

    private Node ParseAny()
    {
        var t = Peek;
        switch (t.Type)
        {
            case TokenType.Comment: _current++; return At(new CommentNode(t.Value), t);
            case TokenType.Text: _current++; return At(new StringLiteral(t.Value), t);
            case TokenType.OpenStatement: return ParseStatement();
            case TokenType.OpenExpression:
                _current++;
                var e = ParseExpression();
                Expect(TokenType.CloseExpression, "'}}'");
                return e;
            default: throw Error($"unexpected {Describe(t)}", t);
        }
    }

    private List<Node> ParseUntil(params string[] statements)
    {
        var body = new List<Node>();
        while (!IsStatement(statements))
        {
            if (_current >= _tokens.Count) throw Error($"missing {{% {statements[^1]} %}}");
            body.Add(ParseAny());
        }
        return body;
    }

    private void ExpectEnd(string name)
    {
        Expect(TokenType.OpenStatement, "'{%'");
        ExpectIdentifier(name);
        Expect(TokenType.CloseStatement, "'%}'");
    }

    private Node ParseStatement()
    {
        var open = Expect(TokenType.OpenStatement, "'{%'");
        var nameToken = Peek;
        if (nameToken.Type != TokenType.Identifier) throw Error($"expected a statement name, found {Describe(nameToken)}", nameToken);
        _current++;
        switch (nameToken.Value)
        {
            case "set": return At(ParseSet(), open);
            case "if": { var n = ParseIf(open); ExpectEnd("endif"); return n; }
            case "macro":
            {
                var name = ParsePrimary() as IdentifierNode ?? throw Error("expected a macro name", nameToken);
                var args = ParseArgs(parameters: true);
                Expect(TokenType.CloseStatement, "'%}'");
                var body = ParseUntil("endmacro");
                ExpectEnd("endmacro");
                return At(new MacroNode(name, args, body), open);
            }
            case "for": { var n = ParseFor(open); ExpectEnd("endfor"); return n; }
            case "call":
            {
                List<Node>? callerArgs = Is(TokenType.OpenParen) ? ParseArgs(parameters: true) : null;
                var callee = ParsePrimary() as IdentifierNode ?? throw Error("expected an identifier after 'call'", nameToken);
                var callArgs = ParseArgs(parameters: false);
                Expect(TokenType.CloseStatement, "'%}'");
                var body = ParseUntil("endcall");
                ExpectEnd("endcall");
                return At(new CallStatementNode(At(new CallNode(callee, callArgs), open), callerArgs, body), open);
            }
            case "break": Expect(TokenType.CloseStatement, "'%}'"); return At(new BreakNode(), open);
            case "continue": Expect(TokenType.CloseStatement, "'%}'"); return At(new ContinueNode(), open);
            case "filter":
            {
                var filter = ParsePrimary();
                if (filter is IdentifierNode && Is(TokenType.OpenParen)) filter = ParseCall(filter);
                Expect(TokenType.CloseStatement, "'%}'");
                var body = ParseUntil("endfilter");
                ExpectEnd("endfilter");
                return At(new FilterStatementNode(filter, body), open);
            }
            default:
                throw Error($"unknown or unsupported statement '{nameToken.Value}'", nameToken);
        }
    }

    private Node ParseSet()
    {
        var left = ParseExpressionSequence();
        Node? value = null;
        var body = new List<Node>();
        if (Is(TokenType.Equals))
        {
            _current++;
            value = ParseExpressionSequence();
        }
        else
        {
            Expect(TokenType.CloseStatement, "'%}' or '='");
            body = ParseUntil("endset");
            Expect(TokenType.OpenStatement, "'{%'");
            ExpectIdentifier("endset");
        }
        Expect(TokenType.CloseStatement, "'%}'");
        return new SetNode(left, value, body);
    }

    private Node ParseIf(Token open)
    {
        var test = ParseExpression();
        Expect(TokenType.CloseStatement, "'%}'");
        var body = ParseUntil("elif", "else", "endif");
        var alternate = new List<Node>();
        if (IsStatement("elif"))
        {
            var elifOpen = _tokens[_current];
            _current += 2;
            alternate.Add(ParseIf(elifOpen));
        }
        else if (IsStatement("else"))
        {
            _current += 2;
            Expect(TokenType.CloseStatement, "'%}'");
            alternate = ParseUntil("endif");
        }
        return At(new IfNode(test, body, alternate), open);
    }

    private Node ParseFor(Token open)
    {
        var loopVar = ParseExpressionSequence(primary: true);
        if (loopVar is not (IdentifierNode or TupleLiteral)) throw Error("expected a loop variable or tuple", open);
        if (!IsIdentifier("in")) throw Error("expected 'in' after the loop variable");
        _current++;
        var iterable = ParseExpression();
        Expect(TokenType.CloseStatement, "'%}'");
        var body = ParseUntil("endfor", "else");
        var alternative = new List<Node>();
        if (IsStatement("else"))
        {
            _current += 2;
            Expect(TokenType.CloseStatement, "'%}'");
            alternative = ParseUntil("endfor");
        }
        return At(new ForNode(loopVar, iterable, body, alternative), open);
    }

    private Node ParseExpressionSequence(bool primary = false)
    {
        var first = Peek;
        var expressions = new List<Node> { primary ? ParsePrimary() : ParseExpression() };
        var isTuple = Is(TokenType.Comma);
        while (isTuple)
        {
            _current++;
            expressions.Add(primary ? ParsePrimary() : ParseExpression());
            if (!Is(TokenType.Comma)) break;
        }
        return isTuple ? At(new TupleLiteral(expressions), first) : expressions[0];
    }

    private Node ParseExpression() => ParseIfExpression();

    private Node ParseIfExpression()
    {
        var first = Peek;
        var a = ParseOr();
        if (!IsIdentifier("if")) return a;
        _current++;
        var test = ParseOr();
        if (IsIdentifier("else"))
        {
            _current++;
            return At(new TernaryNode(test, a, ParseIfExpression()), first);
        }
        return At(new SelectNode(a, test), first);
    }

    private Node ParseOr()
    {
        var left = ParseAnd();
        while (IsIdentifier("or")) { var op = _tokens[_current++]; left = At(new BinaryNode("or", left, ParseAnd()), op); }
        return left;
    }

    private Node ParseAnd()
    {
        var left = ParseNot();
        while (IsIdentifier("and")) { var op = _tokens[_current++]; left = At(new BinaryNode("and", left, ParseNot()), op); }
        return left;
    }

    private Node ParseNot()
    {
        Node? right = null;
        while (IsIdentifier("not"))
        {
            var op = _tokens[_current++];
            right = At(new UnaryNode("not", ParseNot()), op);
        }
        return right ?? ParseComparison();
    }

    private Node ParseComparison()
    {
        var left = ParseAdditive();
        while (true)
        {
            string op;
            var t = Peek;
            if (IsIdentifier("not", "in")) { op = "not in"; _current += 2; }
            else if (IsIdentifier("in")) { op = "in"; _current++; }
            else if (Is(TokenType.ComparisonBinaryOperator)) { op = t.Value; _current++; }
            else break;
            left = At(new BinaryNode(op, left, ParseAdditive()), t);
        }
        return left;
    }

    private Node ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Is(TokenType.AdditiveBinaryOperator)) { var op = _tokens[_current++]; left = At(new BinaryNode(op.Value, left, ParseMultiplicative()), op); }
        return left;
    }

    private Node ParseMultiplicative()
    {
        var left = ParsePower();
        while (Is(TokenType.MultiplicativeBinaryOperator)) { var op = _tokens[_current++]; left = At(new BinaryNode(op.Value, left, ParsePower()), op); }
        return left;
    }

    private Node ParsePower()
    {
        var left = ParseTest();
        while (Is(TokenType.ExponentiationBinaryOperator)) { var op = _tokens[_current++]; left = At(new BinaryNode(op.Value, left, ParseTest()), op); }
        return left;
    }

    private Node ParseTest()
    {
        var operand = ParseFilter();
        while (IsIdentifier("is"))
        {
            var isToken = _tokens[_current++];
            var negate = IsIdentifier("not");
            if (negate) _current++;
            var test = ParsePrimary() as IdentifierNode ?? throw Error("expected a test name after 'is'", isToken);
            operand = At(new TestNode(operand, negate, test), isToken);
        }
        return operand;
    }

    private Node ParseFilter()
    {
        var operand = ParseUnarySign();
        while (Is(TokenType.Pipe))
        {
            var pipe = _tokens[_current++];
            var filter = ParsePrimary();
            if (filter is not IdentifierNode) throw Error("expected a filter name after '|'", pipe);
            if (Is(TokenType.OpenParen)) filter = ParseCall(filter);
            operand = At(new FilterNode(operand, filter), pipe);
        }
        return operand;
    }

    private Node ParseUnarySign()
    {
        var t = Peek;
        if (t.Type is TokenType.UnaryOperator or TokenType.AdditiveBinaryOperator && t.Value is "-" or "+")
        {
            _current++;
            return At(new UnaryNode(t.Value, ParseUnarySign()), t);
        }
        var member = ParseMember(ParsePrimary());
        return Is(TokenType.OpenParen) ? ParseCall(member) : member;
    }

    private Node ParseCall(Node callee)
    {
        var first = Peek;
        Node expression = At(new CallNode(callee, ParseArgs(parameters: false)), first);
        expression = ParseMember(expression);
        if (Is(TokenType.OpenParen)) expression = ParseCall(expression);
        return expression;
    }

    private List<Node> ParseArgs(bool parameters)
    {
        Expect(TokenType.OpenParen, "'('");
        var args = new List<Node>();
        var sawKeyword = false;
        while (!Is(TokenType.CloseParen))
        {
            if (_current >= _tokens.Count) throw Error("missing ')'");
            var t = Peek;
            if (!parameters && t.Type == TokenType.ExponentiationBinaryOperator)
            {
                _current++;
                args.Add(At(new KeywordSpreadNode(ParseExpression()), t));
                if (Is(TokenType.Comma)) _current++;
                if (!Is(TokenType.CloseParen)) throw Error("'**' must be applied to the last argument");
                break;
            }
            Node argument;
            if (!parameters && t.Type == TokenType.MultiplicativeBinaryOperator && t.Value == "*")
            {
                _current++;
                argument = At(new SpreadNode(ParseExpression()), t);
            }
            else
            {
                argument = ParseExpression();
                if (Is(TokenType.Equals))
                {
                    _current++;
                    if (argument is not IdentifierNode id) throw Error("expected an identifier before '='", t);
                    argument = At(new KeywordArgumentNode(id, ParseExpression()), t);
                }
                if (parameters && argument is not (IdentifierNode or KeywordArgumentNode)) throw Error("expected a parameter name", t);
                if (argument is KeywordArgumentNode) sawKeyword = true;
                else if (sawKeyword) throw Error(parameters ? "non-default parameter follows a default parameter" : "positional argument follows a keyword argument", t);
            }
            args.Add(argument);
            if (Is(TokenType.Comma)) _current++;
        }
        Expect(TokenType.CloseParen, "')'");
        return args;
    }

    private Node ParseMember(Node obj)
    {
        while (Is(TokenType.Dot) || Is(TokenType.OpenSquareBracket))
        {
            var op = _tokens[_current++];
            var computed = op.Type == TokenType.OpenSquareBracket;
            Node property;
            if (computed)
            {
                var slices = new List<Node?>();
                var isSlice = false;
                while (!Is(TokenType.CloseSquareBracket))
                {
                    if (_current >= _tokens.Count) throw Error("missing ']'", op);
                    if (Is(TokenType.Colon)) { slices.Add(null); _current++; isSlice = true; }
                    else
                    {
                        slices.Add(ParseExpression());
                        if (Is(TokenType.Colon)) { _current++; isSlice = true; }
                    }
                }
                if (slices.Count == 0) throw Error("expected an index or a slice inside '[]'", op);
                if (isSlice)
                {
                    if (slices.Count > 3) throw Error("a slice takes at most 3 parts", op);
                    property = At(new SliceNode(slices.ElementAtOrDefault(0), slices.ElementAtOrDefault(1), slices.ElementAtOrDefault(2)), op);
                }
                else property = slices[0]!;
                Expect(TokenType.CloseSquareBracket, "']'");
            }
            else
            {
                property = ParsePrimary();
                if (property is not (IdentifierNode or IntegerLiteral)) throw Error("expected an identifier or integer after '.'", op);
            }
            obj = At(new MemberNode(obj, property, computed), op);
        }
        return obj;
    }

    private Node ParsePrimary()
    {
        var t = Peek;
        _current++;
        switch (t.Type)
        {
            case TokenType.NumericLiteral:
                var num = double.Parse(t.Value, System.Globalization.CultureInfo.InvariantCulture);
                return t.Value.Contains('.') ? At(new FloatLiteral(num), t) : At(new IntegerLiteral(num), t);
            case TokenType.StringLiteral:
                var value = t.Value;
                while (Is(TokenType.StringLiteral)) value += _tokens[_current++].Value;
                return At(new StringLiteral(value), t);
            case TokenType.Identifier:
                return At(new IdentifierNode(t.Value), t);
            case TokenType.OpenParen:
                var e = ParseExpressionSequence();
                Expect(TokenType.CloseParen, "')'");
                return e;
            case TokenType.OpenSquareBracket:
                var values = new List<Node>();
                while (!Is(TokenType.CloseSquareBracket))
                {
                    if (_current >= _tokens.Count) throw Error("missing ']'", t);
                    values.Add(ParseExpression());
                    if (Is(TokenType.Comma)) _current++;
                }
                _current++;
                return At(new ArrayLiteral(values), t);
            case TokenType.OpenCurlyBracket:
                var pairs = new List<(Node, Node)>();
                while (!Is(TokenType.CloseCurlyBracket))
                {
                    if (_current >= _tokens.Count) throw Error("missing '}'", t);
                    var key = ParseExpression();
                    Expect(TokenType.Colon, "':' between key and value");
                    pairs.Add((key, ParseExpression()));
                    if (Is(TokenType.Comma)) _current++;
                }
                _current++;
                return At(new ObjectLiteral(pairs), t);
            default:
                throw Error($"unexpected {Describe(t)}", t);
        }
    }
}
