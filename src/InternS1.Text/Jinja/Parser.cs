namespace InternS1.Text.Jinja;

/// <summary>Recursive-descent parser with @huggingface/jinja's grammar and operator precedence
/// (if-expression, or, and, not, comparison, additive, multiplicative, power, test, filter, unary sign,
/// call/member, primary).</summary>
internal sealed partial class Parser
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
}
