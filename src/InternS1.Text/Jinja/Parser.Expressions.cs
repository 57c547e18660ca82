namespace InternS1.Text.Jinja;

/// <summary>Expression grammar, lowest to highest precedence.</summary>
internal sealed partial class Parser
{
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
